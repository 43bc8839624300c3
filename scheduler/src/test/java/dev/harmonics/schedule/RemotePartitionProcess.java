package dev.harmonics.schedule;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.partition.TestGraphs;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.Transport;
import java.time.Duration;
import java.util.Map;

/**
 * The first partition of {@link TestGraphs#chain()} cut in two, in its own process for
 * {@link RemoteSchedulerTest}: connects to {@code host:port} over {@code transport}, trains
 * {@code steps} steps and prints what it received.
 */
public final class RemotePartitionProcess {

  public static void main(String[] args) {
    Transport transport = Transport.valueOf(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    boolean secure = Boolean.parseBoolean(args[4]);
    var cut = Partitioner.partitionGraph(TestGraphs.chain(), 2);
    RemoteBinding binding = RemoteBinding.of("c", host, port, transport);
    LinkPolicy policy = LinkPolicy.DEFAULT.withAttempts(20, Duration.ofMillis(100),
        Duration.ofMillis(500));
    try (RemoteScheduler me = RemoteScheduler.start(cut, 0, KernelProviders.of(Backend.SIMD),
        RemoteSchedulerTest.SEED, RemoteSchedulerTest.options(), null, binding, policy,
        secure)) {
      me.recordReceived(true);
      for (int s = 0; s < steps; s++) {
        Map<String, Tensor> batch = TestGraphs.batch(RemoteSchedulerTest.BATCH, s);
        me.step(batch);
        batch.values().forEach(Tensor::close);
      }
      me.received().forEach(line -> System.out.println("partition 0 received " + line));
    }
    System.out.println("partition 0 done");
  }

  static FitOptions training() {
    return FitOptions.defaults().withLearningRate(0.01);
  }
}
