package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.SampleSet;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.Dropout;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.Shape;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.layer.Parameter;
import java.util.List;
import java.util.Random;

/** Small graphs and synthetic data shared by the runtime tests. */
final class Fixtures {

  private Fixtures() {}

  /**
   * The SIMD kernels: what training uses. Not {@code Fixtures.kernels()}, which may choose a
   * device backend (OpenCL on a CPU driver, say) when one is installed.
   */
  static KernelProvider kernels() {
    return KernelProviders.of(Backend.SIMD);
  }

  /** {@code x{in} -> h1 -(relu)-> h2 -(relu)-> logits -(softmax)-> probabilities}. */
  static HarmonicGraph mlp(int in, int hidden, int classes) {
    return HarmonicGraph.builder("mlp")
        .producer("x", Shape.of(in))
        .producer("labels", Shape.of(1))
        .layer("h1", Dense.of(hidden))
        .layer("h2", Dense.of(hidden))
        .layer("logits", Dense.of(classes))
        .consumer("probabilities")
        .flow("x").to("h1").to(EdgeActivation.RELU, "h2").to(EdgeActivation.RELU, "logits")
        .to(EdgeActivation.SOFTMAX, "probabilities").done()
        .lossTap("probabilities", Loss.CROSS_ENTROPY, "labels")
        .build();
  }

  /** {@link #mlp} with a dropout layer after the first hidden layer. */
  static HarmonicGraph mlpWithDropout(int in, int hidden, int classes) {
    return HarmonicGraph.builder("mlp_dropout")
        .producer("x", Shape.of(in))
        .producer("labels", Shape.of(1))
        .layer("h1", Dense.of(hidden))
        .layer("drop", new Dropout(0.2))
        .layer("h2", Dense.of(hidden))
        .layer("logits", Dense.of(classes))
        .consumer("probabilities")
        .flow("x").to("h1").to(EdgeActivation.RELU, "drop").to("h2")
        .to(EdgeActivation.RELU, "logits").to(EdgeActivation.SOFTMAX, "probabilities").done()
        .lossTap("probabilities", Loss.CROSS_ENTROPY, "labels")
        .build();
  }

  /**
   * Gaussian blobs: class {@code c} centred on a random point with spread {@code noise}, so a
   * small network separates them well but not trivially. Returns a training and a test set drawn
   * around the same centres.
   */
  static ArraySampleSet[] blobs(int trainSamples, int testSamples, int features, int classes,
      double noise, long seed) {
    Random random = new Random(seed);
    float[][] centres = new float[classes][features];
    for (float[] c : centres) {
      for (int f = 0; f < features; f++) {
        c[f] = (float) random.nextGaussian();
      }
    }
    return new ArraySampleSet[] {draw(trainSamples, centres, noise, random),
        draw(testSamples, centres, noise, random)};
  }

  private static ArraySampleSet draw(int samples, float[][] centres, double noise,
      Random random) {
    int classes = centres.length;
    int features = centres[0].length;
    float[] x = new float[samples * features];
    int[] y = new int[samples];
    for (int i = 0; i < samples; i++) {
      y[i] = random.nextInt(classes);
      for (int f = 0; f < features; f++) {
        x[i * features + f] = (float) (centres[y[i]][f] + noise * random.nextGaussian());
      }
    }
    return new ArraySampleSet(x, y, classes, features);
  }

  /** Seeded shuffled batches of {@code set}. */
  static Producer<Batch> batches(SampleSet set, int batch, long seed) {
    return Producers.batch(Producers.shuffled(set, seed), batch, false);
  }

  /** Batches of {@code set} in order. */
  static Producer<Batch> inOrder(SampleSet set, int batch) {
    return Producers.batch(Producers.sequential(set), batch, false);
  }

  /** Every parameter value, concatenated, for bit-for-bit comparisons. */
  static float[] weights(CycleRuntime runtime) {
    List<Parameter> ps = runtime.parameters();
    int total = ps.stream().mapToInt(Parameter::size).sum();
    float[] all = new float[total];
    int at = 0;
    for (Parameter p : ps) {
      float[] v = p.value().toFloatArray();
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    return all;
  }
}
