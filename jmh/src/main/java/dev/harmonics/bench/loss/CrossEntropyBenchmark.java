package dev.harmonics.bench.loss;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.Tensor;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fused softmax cross-entropy with its gradient, {@code [N, C]} logits: an image classifier's
 * batch of 128 over 1000 classes and a language model's 32 tokens over a 32000-word vocabulary;
 * class labels (plain, and with label smoothing 0.1) and probability targets. Work counted: the
 * logits read and dlogits written (plus targets read, for probability targets).
 */
@State(Scope.Benchmark)
public class CrossEntropyBenchmark extends KernelBenchmark {

  @Param({"reference", "simd"})
  public String backend;

  @Param({"128x1000", "32x32000"})
  public String shape;

  private LossKernels losses;
  private Tensor logits;
  private Tensor labels;
  private Tensor targets;
  private Tensor dlogits;

  @Setup(Level.Trial)
  public void setUp() {
    losses = KernelProviders.of(Backend.fromId(backend)).losses();
    String[] parts = shape.split("x");
    int rows = Integer.parseInt(parts[0]);
    int classes = Integer.parseInt(parts[1]);
    SplittableRandom random = new SplittableRandom(7);
    float[] z = new float[rows * classes];
    float[] t = new float[rows * classes];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (random.nextDouble() * 20 - 10);
      t[i] = (float) random.nextDouble() * 2f / classes;
    }
    int[] y = new int[rows];
    for (int n = 0; n < rows; n++) {
      y[n] = random.nextInt(classes);
    }
    logits = Tensor.of(z, rows, classes);
    targets = Tensor.of(t, rows, classes);
    labels = Tensor.ofInts(y, rows);
    dlogits = Tensor.zeros(rows, classes);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    logits.close();
    targets.close();
    labels.close();
    dlogits.close();
  }

  @Benchmark
  public float labels(Work work) {
    float loss = losses.softmaxCrossEntropy(logits, labels, dlogits);
    work.bytes += 8L * logits.size() + 4L * labels.size();
    return loss;
  }

  @Benchmark
  public float labelsSmoothed(Work work) {
    float loss = losses.softmaxCrossEntropy(logits, labels, LossKernels.NO_IGNORE_INDEX, 0.1f,
        dlogits);
    work.bytes += 8L * logits.size() + 4L * labels.size();
    return loss;
  }

  @Benchmark
  public float probabilities(Work work) {
    float loss = losses.softmaxCrossEntropyWithProbabilities(logits, targets, dlogits);
    work.bytes += 12L * logits.size();
    return loss;
  }
}
