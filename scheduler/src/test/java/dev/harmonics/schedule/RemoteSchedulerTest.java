package dev.harmonics.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.examples.ChildJvm;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.partition.TestGraphs;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Two partitions in two processes over loopback sockets. Each case starts a second JVM (about
 * two seconds on a loaded machine; the dead-peer case waits out a five-second receive timeout),
 * so the class takes about thirty seconds.
 */
class RemoteSchedulerTest {

  static final long SEED = 7;
  static final int BATCH = 16;
  private static final int STEPS = 3;
  private final PartitionedGraph cut = Partitioner.partitionGraph(TestGraphs.chain(), 2);

  static PipelineOptions options() {
    return PipelineOptions.defaults().withMicroBatches(2)
        .withTraining(RemotePartitionProcess.training())
        .withReceiveTimeout(Duration.ofSeconds(30));
  }

  private Map<String, float[]> wholeGraph() {
    try (CycleRuntime whole = CycleRuntime.compile(TestGraphs.chain(),
        KernelProviders.of(Backend.SIMD), SEED)) {
      whole.setTrainingOptions(RemotePartitionProcess.training().withAccumulation(2));
      for (int s = 0; s < STEPS; s++) {
        Map<String, Tensor> b = TestGraphs.batch(BATCH, s);
        for (int m = 0; m < 2; m++) {
          int from = BATCH * m / 2;
          int to = BATCH * (m + 1) / 2;
          whole.trainStep(Map.of("x", b.get("x").slice(0, from, to),
              "labels", b.get("labels").slice(0, from, to)));
        }
        b.values().forEach(Tensor::close);
      }
      Map<String, float[]> out = new java.util.HashMap<>();
      Parameters.byName(List.of(whole)).forEach((k, v) -> out.put(k, v.toFloatArray()));
      return out;
    }
  }

  @ParameterizedTest(name = "{0}, secure {1}")
  @CsvSource({"TCP, false", "GRPC, true"})
  void twoProcessesTrainLikeTheWholeGraph(Transport transport, boolean secure)
      throws IOException, InterruptedException {
    Map<String, float[]> expected = wholeGraph();
    RemoteBinding listen = RemoteBinding.of("c", "localhost", 0, transport);
    try (RemoteScheduler me = RemoteScheduler.start(cut, 1, KernelProviders.of(Backend.SIMD),
        SEED, options(), listen, null, LinkPolicy.DEFAULT, secure)) {
      Process child = ChildJvm.start(RemotePartitionProcess.class, List.of(transport.name(),
          "localhost", String.valueOf(me.listeningPort()), String.valueOf(STEPS),
          String.valueOf(secure)));
      try {
        me.recordReceived(true);
        for (int s = 0; s < STEPS; s++) {
          Map<String, Tensor> b = TestGraphs.batch(BATCH, s);
          assertTrue(Double.isFinite(me.step(b).loss()));
          b.values().forEach(Tensor::close);
        }
        List<String> received = me.received();
        assertEquals(2 * STEPS, received.size());
        assertTrue(received.getFirst().startsWith("c float32[8, 12]"), received.getFirst());
        assertEquals(secure, received.getFirst().endsWith("with proof"));
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child process ends");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("partition 0 received c/grad float32[8, 12]"), out);
      } finally {
        child.destroyForcibly();
      }
      // partition 1's weights depend on every activation partition 0 sent: equal bit for bit
      // means both processes trained exactly like the whole graph
      Parameters.byName(List.of(me.runtime())).forEach((name, value) ->
          assertArrayEquals(expected.get(name), value.toFloatArray(), 0f, name));
    }
  }

  @Test
  void aPeerThatNeverListensFailsNamingTheBindingAfterRetries() {
    RemoteBinding nobody = RemoteBinding.of("c", "127.0.0.1", freePort(), Transport.TCP);
    LinkPolicy quick = LinkPolicy.DEFAULT.withAttempts(3, Duration.ofMillis(20),
        Duration.ofMillis(50));
    var e = assertThrows(SchedulerException.class, () -> RemoteScheduler.start(cut, 0,
        KernelProviders.of(Backend.SIMD), SEED, options(), null, nobody, quick, false).close());
    assertTrue(e.getMessage().startsWith("partition 0: ")
        && e.getMessage().contains(nobody.describe()), e.getMessage());
  }

  @Test
  void aPeerThatDiesMidRunEndsTheStepNamingTheBinding() throws IOException, InterruptedException {
    RemoteBinding listen = RemoteBinding.of("c", "localhost", 0, Transport.TCP);
    PipelineOptions patient = options().withReceiveTimeout(Duration.ofSeconds(5));
    try (RemoteScheduler me = RemoteScheduler.start(cut, 1, KernelProviders.of(Backend.SIMD),
        SEED, patient, listen, null, LinkPolicy.DEFAULT, false)) {
      Process child = ChildJvm.start(RemotePartitionProcess.class, List.of("TCP", "localhost",
          String.valueOf(me.listeningPort()), "1", "false"));
      try {
        Map<String, Tensor> b = TestGraphs.batch(BATCH, 0);
        me.step(b);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child process ends after one step");
        var e = assertThrows(SchedulerException.class, () -> me.step(b));
        assertTrue(e.getMessage().contains("binding 'c' (tcp localhost:"), e.getMessage());
        var again = assertThrows(IllegalStateException.class, () -> me.step(b));
        assertTrue(again.getMessage().contains("an earlier step failed"), again.getMessage());
        b.values().forEach(Tensor::close);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static int freePort() {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
