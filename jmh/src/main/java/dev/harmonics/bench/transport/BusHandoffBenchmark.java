package dev.harmonics.bench.transport;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.bus.TensorBus;
import java.time.Duration;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of handing a tensor between partitions in one process over the {@link TensorBus}: on
 * one thread (the queue's own cost) and between a producer and a consumer thread (what a pipeline
 * pays, including the wake-up). No bytes move: the tensor is handed over, not copied, so the
 * figure is per message whatever its size.
 */
@State(Scope.Group)
public class BusHandoffBenchmark extends KernelBenchmark {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private TensorBus bus;
  private Tensor tensor;
  private TensorMessage message;

  @Setup(Level.Trial)
  public void open() {
    bus = new TensorBus("bench", 64, Duration.ofMillis(100));
    tensor = Tensor.zeros(1024);
    message = new TensorMessage("activations", tensor);
  }

  @TearDown(Level.Iteration)
  public void drain() {
    while (bus.receive(Duration.ZERO).isPresent()) {
      // Start every iteration with an empty bus.
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    bus.close();
    tensor.close();
  }

  @Benchmark
  @Group("sameThread")
  public TensorMessage sendThenReceive() {
    bus.send(message);
    return bus.receive(WAIT).orElseThrow();
  }

  /**
   * Sends with a short timeout: when an iteration ends JMH stops the consumer first or the
   * producer first, and a producer left in front of a full bus must give up instead of hanging.
   */
  @Benchmark
  @Group("pipeline")
  @GroupThreads(1)
  public boolean producer() {
    try {
      bus.send(message);
      return true;
    } catch (TransportException full) {
      return false;
    }
  }

  /** Polls briefly so the trial can end while the producer has stopped. */
  @Benchmark
  @Group("pipeline")
  @GroupThreads(1)
  public Optional<TensorMessage> consumer() {
    return bus.receive(Duration.ofMillis(10));
  }
}
