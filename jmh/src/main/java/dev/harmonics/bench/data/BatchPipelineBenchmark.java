package dev.harmonics.bench.data;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.data.Batch;
import dev.harmonics.data.FashionMnist;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.idx.IdxDataset;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One epoch of the training input pipeline over Fashion-MNIST's 60,000 training images in memory:
 * seeded shuffle, conversion to [0, 1] floats, batches of 64, optionally prefetched on a
 * background thread. Bytes counted are the float features delivered (3,136 per sample), so
 * samples per second is the byte rate divided by 3,136. The consumer does nothing but close each
 * batch: this is the pipeline's own ceiling, not a training figure.
 */
@State(Scope.Benchmark)
public class BatchPipelineBenchmark extends KernelBenchmark {

  @Param({"0", "4"})
  public int prefetch;

  private IdxDataset train;
  private Producer<Batch> batches;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    FashionMnistFiles.require();
    train = FashionMnist.load(FashionMnist.Split.TRAIN);
    Producer<Batch> direct = Producers.batch(Producers.shuffled(train, 1), 64, false);
    batches = prefetch > 0 ? Producers.prefetch(direct, prefetch) : direct;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    batches.close();
  }

  @Benchmark
  public int epoch(Work work) {
    int samples = 0;
    while (batches.hasNext()) {
      try (Batch b = batches.next()) {
        samples += b.size();
      }
    }
    batches.reset();
    work.bytes += (long) samples * train.spec().featureSize() * Float.BYTES;
    return samples;
  }
}
