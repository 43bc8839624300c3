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
 * Batch normalisation in training mode, forward and backward, and in inference mode, over an image
 * batch {@code [N, C, H, W]} (one plane per channel and sample) and a dense layer's {@code [N, C]}
 * (reduced column-wise). Memory-bound: the work counted is effective bandwidth, each big tensor
 * read or written once (x and y forward; dy, x and dx backward), although the training forward
 * reads x three times (mean, variance, normalise) and the backward twice.
 */
@State(Scope.Benchmark)
public class BatchNormBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"16x64x28x28", "256x1024"})
  public String shape;

  private NormKernels norm;
  private Tensor x;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;
  private Tensor gamma;
  private Tensor beta;
  private Tensor runningMean;
  private Tensor runningVar;
  private Tensor saveMean;
  private Tensor saveInvStd;
  private Tensor dgamma;
  private Tensor dbeta;

  @Setup(Level.Trial)
  public void setUp() {
    norm = KernelProviders.of(Backend.fromId(backend)).norm();
    int[] dims = BenchData.dims(shape);
    int channels = dims[1];
    x = new BenchData(1).uniform(-2f, 2f, dims);
    dy = new BenchData(2).uniform(-1f, 1f, dims);
    y = Tensor.zeros(dims);
    dx = Tensor.zeros(dims);
    gamma = new BenchData(3).uniform(0.5f, 1.5f, channels);
    beta = new BenchData(4).uniform(-1f, 1f, channels);
    runningMean = Tensor.zeros(channels);
    runningVar = Tensor.zeros(channels).fill(1f);
    saveMean = Tensor.zeros(channels);
    saveInvStd = Tensor.zeros(channels);
    dgamma = Tensor.zeros(channels);
    dbeta = Tensor.zeros(channels);
    norm.batchNormTrainingForward(x, gamma, beta, runningMean, runningVar, 0.1f, 1e-5f, y,
        saveMean, saveInvStd);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (Tensor t : new Tensor[] {x, y, dy, dx, gamma, beta, runningMean, runningVar, saveMean,
        saveInvStd, dgamma, dbeta}) {
      t.close();
    }
  }

  @Benchmark
  public Tensor trainingForward(Work work) {
    norm.batchNormTrainingForward(x, gamma, beta, runningMean, runningVar, 0.1f, 1e-5f, y,
        saveMean, saveInvStd);
    work.bytes += 8L * x.size();
    return y;
  }

  @Benchmark
  public Tensor backward(Work work) {
    norm.batchNormBackward(dy, x, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
    work.bytes += 12L * x.size();
    return dx;
  }

  @Benchmark
  public Tensor inference(Work work) {
    norm.batchNormInference(x, gamma, beta, runningMean, runningVar, 1e-5f, y);
    work.bytes += 8L * x.size();
    return y;
  }
}
