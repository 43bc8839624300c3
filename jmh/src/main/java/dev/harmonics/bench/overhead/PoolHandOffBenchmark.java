package dev.harmonics.bench.overhead;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.concurrent.KernelPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a parallel loop costs beyond its work: {@link KernelPool#parallelFor} with two chunks of
 * {@code work} square roots each, against one chunk run inline. With both cores free the two-chunk
 * loop should take about the time of one chunk; the difference is the hand-off to a pool thread
 * and back. {@code spinMicros} is the pool threads' spin before parking ({@code
 * harmonics.pool.spinMicros}): 0 parks them at once, so every loop wakes a parked thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolHandOffBenchmark extends KernelBenchmark {

  @Param({"0", "100"})
  int spinMicros;

  /** Square roots per chunk: 2000 is about 4 µs here, the size of a small layer's share. */
  @Param({"200", "2000"})
  int work;

  private final double[] sums = new double[32];
  private int parallelismBefore;

  @Setup(Level.Trial)
  public void setUp() {
    parallelismBefore = KernelPool.shared().parallelism();
    System.setProperty("harmonics.pool.spinMicros", Integer.toString(spinMicros));
    KernelPool.setParallelism(1);
    KernelPool.setParallelism(2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.clearProperty("harmonics.pool.spinMicros");
    KernelPool.setParallelism(1);
    KernelPool.setParallelism(parallelismBefore);
  }

  @Benchmark
  public double twoChunks() {
    KernelPool.shared().parallelFor(2, 1, (from, to) -> sums[16 * from] += chunk(from));
    return sums[0] + sums[16];
  }

  @Benchmark
  public double oneChunkInline() {
    sums[0] += chunk(0);
    return sums[0];
  }

  private double chunk(int offset) {
    double sum = 0;
    for (int i = 0; i < work; i++) {
      sum += Math.sqrt(i + offset);
    }
    return sum;
  }
}
