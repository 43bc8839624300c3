package dev.harmonics.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmonics.data.FashionMnist;
import dev.harmonics.examples.ParameterServerExample.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The parameter server with two worker processes on Fashion-MNIST, in both modes, with a small
 * budget (25 pushes of 64 samples per worker). Each mode starts two JVMs that each read the
 * training set, and evaluates on the 10,000 test images: on this loaded 2-core machine the class
 * took 65 to 72 s (JVM start-up and reading the gzipped training set dominate).
 */
class ParameterServerExampleTest {

  /**
   * Chance is 0.10; 50 pushes of 64 samples reach about 0.70 in either mode here. 0.60
   * fails a server that drops, misorders or misapplies gradients, without failing on the
   * run-to-run spread of asynchronous arrival.
   */
  private static final double ACCURACY_BOUND = 0.60;

  @Test
  void syncAndAsyncServersTrainWorkersToAUsefulModel() throws Exception {
    assumeTrue(FashionMnist.installed(), "Fashion-MNIST is not installed in "
        + FashionMnist.directory() + " (apt-get install -y " + FashionMnist.PACKAGE + ")");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ParameterServerExample example = new ParameterServerExample(out, 2, 25, 64);
    for (Mode mode : Mode.values()) {
      var result = example.run(mode);
      String log = bytes.toString(StandardCharsets.UTF_8);
      assertEquals(mode == Mode.SYNC ? 25 : 50, result.updates(), log);
      assertTrue(result.accuracy() > ACCURACY_BOUND, mode + " accuracy " + result.accuracy()
          + "\n" + log);
      assertTrue(result.baselineAccuracy() > ACCURACY_BOUND, log);
      assertTrue(log.contains("[worker 0, pid ") && log.contains("[worker 1, pid "), log);
      assertTrue(log.contains("pushed 25 gradients"), log);
    }
  }
}
