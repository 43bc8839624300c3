package dev.harmonics.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two-process example, one step per transport: starts two JVMs, about 15 to 25 seconds on
 * this loaded 2-core machine.
 */
class DistributedSchedulerExampleTest {

  @Test
  void eachSideReportsWhatCrossedTheBoundaryOverTcpAndGrpc() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new DistributedSchedulerExample(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1)
        .run();
    String log = bytes.toString(StandardCharsets.UTF_8);
    for (String transport : new String[] {"tcp", "grpc"}) {
      assertTrue(log.contains("connected to binding 'b' (" + transport + " localhost:"), log);
    }
    // per transport and step: two micro-batches of activations one way, two gradients back
    assertEquals(4, count(log, "\\[partition 1, pid \\d+\\] step 1 received b float32\\[16, 16\\]"),
        log);
    assertEquals(4, count(log,
        "\\[partition 0, pid \\d+\\] step 1 received b/grad float32\\[16, 16\\]"), log);
    Matcher pids = Pattern.compile("\\[partition (\\d), pid (\\d+)\\]").matcher(log);
    long parent = ProcessHandle.current().pid();
    while (pids.find()) {
      boolean inThisProcess = Long.parseLong(pids.group(2)) == parent;
      assertEquals(pids.group(1).equals("1"), inThisProcess, "partition 0 runs elsewhere: " + log);
    }
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
