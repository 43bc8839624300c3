package dev.harmonics.bench.embedding;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Looking up a batch of 8192 token ids in a 32000-row vocabulary table, and the gradient scatter
 * back into the table (uniform random ids, so rows repeat as in real batches).
 */
@State(Scope.Benchmark)
public class EmbeddingBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  /** Embedding width D. */
  @Param({"64", "512"})
  public int width;

  @Param({"8192"})
  public int positions;

  private static final int VOCABULARY = 32_000;

  private EmbeddingKernels embedding;
  private Tensor table;
  private Tensor indices;
  private Tensor out;
  private Tensor dtable;

  @Setup(Level.Trial)
  public void setUp() {
    embedding = KernelProviders.of(Backend.fromId(backend)).embedding();
    BenchData random = new BenchData(42);
    table = random.uniform(VOCABULARY, width);
    int[] ids = new int[positions];
    for (int i = 0; i < positions; i++) {
      ids[i] = random.nextInt(VOCABULARY);
    }
    indices = Tensor.ofInts(ids, positions);
    out = Tensor.zeros(positions, width);
    dtable = Tensor.zeros(VOCABULARY, width);
    embedding.lookup(table, indices, out);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    table.close();
    indices.close();
    out.close();
    dtable.close();
  }

  @Benchmark
  public Tensor lookup(Work work) {
    embedding.lookup(table, indices, out);
    work.bytes += 2L * positions * width * Float.BYTES + (long) positions * Integer.BYTES;
    return out;
  }

  @Benchmark
  public Tensor backward(Work work) {
    embedding.backward(indices, out, dtable);
    work.bytes += 3L * positions * width * Float.BYTES + (long) positions * Integer.BYTES;
    return dtable;
  }
}
