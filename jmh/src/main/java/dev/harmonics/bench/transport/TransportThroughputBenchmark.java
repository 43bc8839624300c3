package dev.harmonics.bench.transport;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Loopback throughput of acknowledged tensor sends, one sender: each call sends one tensor, waits
 * for its acknowledgement and takes it from the server's inbox. {@code bytes} counts the payload,
 * so the report's bytes/s is useful tensor data per second (the aim is 2 GB/s at 16 MB over TCP).
 */
public class TransportThroughputBenchmark extends KernelBenchmark {

  @Benchmark
  public void send(LoopbackLink link, Work work) {
    link.roundTrip();
    work.bytes += link.bytes;
  }
}
