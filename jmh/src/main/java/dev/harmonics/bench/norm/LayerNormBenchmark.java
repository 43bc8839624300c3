package dev.harmonics.bench.norm;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Layer normalisation forward and backward over {@code [rows, D]}: a BERT-base sized batch of 512
 * tokens of width 768, and 64 rows of width 4096. Effective bandwidth: x and y forward, dy, x and
 * dx backward, each counted once.
 */
@State(Scope.Benchmark)
public class LayerNormBenchmark extends KernelBenchmark {

  @Param({"reference", "simd", "native-cpu"})
  public String backend;

  @Param({"512x768", "64x4096"})
  public String shape;

  private NormKernels norm;
  private Tensor x;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;
  private Tensor gamma;
  private Tensor beta;
  private Tensor mean;
  private Tensor rstd;
  private Tensor dgamma;
  private Tensor dbeta;

  @Setup(Level.Trial)
  public void setUp() {
    norm = KernelProviders.of(Backend.fromId(backend)).norm();
    int[] dims = BenchData.dims(shape);
    int rows = dims[0];
    int width = dims[1];
    x = new BenchData(1).uniform(-2f, 2f, dims);
    dy = new BenchData(2).uniform(-1f, 1f, dims);
    y = Tensor.zeros(dims);
    dx = Tensor.zeros(dims);
    gamma = new BenchData(3).uniform(0.5f, 1.5f, width);
    beta = new BenchData(4).uniform(-1f, 1f, width);
    mean = Tensor.zeros(rows);
    rstd = Tensor.zeros(rows);
    dgamma = Tensor.zeros(width);
    dbeta = Tensor.zeros(width);
    norm.layerNormForward(x, gamma, beta, 1e-5f, y, mean, rstd);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : new Tensor[] {x, y, dy, dx, gamma, beta, mean, rstd, dgamma, dbeta}) {
      t.close();
    }
  }

  @Benchmark
  public Tensor forward(Work work) {
    norm.layerNormForward(x, gamma, beta, 1e-5f, y, mean, rstd);
    work.bytes += 8L * x.size();
    return y;
  }

  @Benchmark
  public Tensor backward(Work work) {
    norm.layerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta);
    work.bytes += 12L * x.size();
    return dx;
  }
}
