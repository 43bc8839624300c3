package dev.harmonics.bench.transport;

import dev.harmonics.bench.KernelBenchmark;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Latency of one acknowledged send on loopback (send, acknowledgement, take from the inbox), as a
 * distribution: JMH's sample mode reports percentiles, where tail latency shows.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TransportLatencyBenchmark extends KernelBenchmark {

  @Benchmark
  public void send(LoopbackLink link) {
    link.roundTrip();
  }
}
