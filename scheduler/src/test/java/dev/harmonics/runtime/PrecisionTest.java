package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.graph.Conv2d;
import dev.harmonics.graph.Dense;
import dev.harmonics.graph.EdgeActivation;
import dev.harmonics.graph.Flatten;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.Loss;
import dev.harmonics.graph.Shape;
import dev.harmonics.kernel.CountingQuantProvider;
import dev.harmonics.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Precision policies change what evaluation computes: dense layers at 8 bits run on the int8 GEMM
 * kernel and stay close to float32 accuracy, fewer bits move the outputs further, training passes
 * stay float32. About two seconds.
 */
class PrecisionTest {

  @Test
  void bitsFollowTheRules() {
    assertEquals(32, PrecisionPolicy.auto().bitsFor("any"));
    assertEquals(6, new PrecisionPolicy.MaxBits(6).bitsFor("any"));
    assertEquals(7, new PrecisionPolicy.EntropyLimit(0.01).bitsFor("any"), "ceil(6.64)");
    assertEquals(8, new PrecisionPolicy.EntropyLimit(1.0 / 256).bitsFor("any"), "exactly 8");
    assertEquals(2, new PrecisionPolicy.EntropyLimit(0.9).bitsFor("any"), "clamped up to 2");
    assertEquals(32, new PrecisionPolicy.EntropyLimit(1e-12).bitsFor("any"), "clamped to 32");
    PrecisionPolicy perLayer = new PrecisionPolicy.PerLayer(Map.of("a", 4),
        new PrecisionPolicy.MaxBits(16));
    assertEquals(4, perLayer.bitsFor("a"));
    assertEquals(16, perLayer.bitsFor("b"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PrecisionPolicy.MaxBits(1));
    assertEquals("bits: 1 (expected: 2 to 32)", e.getMessage());
  }

  @Test
  void int8InferenceRunsOnTheInt8KernelsAndKeepsAccuracy() {
    ArraySampleSet[] data = Fixtures.blobs(2000, 500, 16, 4, 1.5, 7);
    CountingQuantProvider kernels = new CountingQuantProvider(Fixtures.kernels());
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(16, 32, 4), kernels, 11);
        Producer<Batch> train = Fixtures.batches(data[0], 32, 3);
        Producer<Batch> test = Fixtures.inOrder(data[1], 100)) {
      runtime.bindProducer(train);
      runtime.fit(3, FitOptions.defaults().withLearningRate(0.003));
      Evaluation fp32 = runtime.evaluate(test);
      assertEquals(0, kernels.gemmInt8Calls(), "float32 training and evaluation use no int8");
      Map<String, Tensor> batch = Map.of("x", features(data[1], 100));
      float[] reference = runtime.infer(batch).get("probabilities").toFloatArray();

      runtime.setPrecision(new PrecisionPolicy.MaxBits(8));
      Evaluation int8 = runtime.evaluate(test);
      assertEquals(5 * 3, kernels.gemmInt8Calls(), "5 test batches through 3 dense layers");
      assertTrue(Math.abs(int8.accuracy() - fp32.accuracy()) <= 0.02,
          "int8 " + int8 + " vs float32 " + fp32);
      double error8 = maxDifference(reference, runtime.infer(batch).get("probabilities"));

      runtime.setPrecision(new PrecisionPolicy.MaxBits(3));
      double error3 = maxDifference(reference, runtime.infer(batch).get("probabilities"));
      assertTrue(error8 > 0, "8 bits really quantise");
      assertTrue(error8 < 0.05, "8 bits stay close: " + error8);
      assertTrue(error3 > 2 * error8, "3 bits move further: " + error3 + " vs " + error8);

      runtime.setPrecision(PrecisionPolicy.auto());
      assertEquals(0, maxDifference(reference, runtime.infer(batch).get("probabilities")),
          "back to float32");
      batch.values().forEach(Tensor::close);
    }
  }

  @Test
  void convolutionWeightsSnapToTheGridAndTrainingStaysFloat() {
    HarmonicGraph graph = HarmonicGraph.builder("cnn")
        .producer("img", Shape.of(1, 6, 6)).producer("labels", Shape.of(1))
        .layer("conv", new Conv2d(4, 3, 1, 1, 1, 1, true)).layer("flat", new Flatten())
        .layer("out", Dense.of(3)).consumer("p")
        .flow("img").to("conv").to(EdgeActivation.RELU, "flat").to("out")
        .to(EdgeActivation.SOFTMAX, "p").done()
        .lossTap("p", Loss.CROSS_ENTROPY, "labels").build();
    Random random = new Random(3);
    float[] pixels = new float[4 * 36];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    try (CycleRuntime runtime = CycleRuntime.compile(graph, Fixtures.kernels(), 1);
        Tensor img = Tensor.of(pixels, 4, 1, 6, 6);
        Tensor labels = Tensor.ofInts(new int[] {0, 1, 2, 0}, 4)) {
      Map<String, Tensor> inputs = Map.of("img", img, "labels", labels);
      float[] fp32 = runtime.infer(Map.of("img", img)).get("p").toFloatArray();
      double lossFp32 = runtime.trainingLoss(inputs);
      runtime.setPrecision(new PrecisionPolicy.PerLayer(Map.of("conv", 4),
          PrecisionPolicy.auto()));
      double error = maxDifference(fp32, runtime.infer(Map.of("img", img)).get("p"));
      assertTrue(error > 0, "4-bit convolution weights change the output");
      assertEquals(lossFp32, runtime.trainingLoss(inputs), "training passes stay float32");
    }
  }

  private static Tensor features(ArraySampleSet set, int n) {
    int width = set.spec().featureSize();
    float[] x = new float[n * width];
    for (int i = 0; i < n; i++) {
      set.copyFeatures(i, x, i * width);
    }
    return Tensor.of(x, n, width);
  }

  private static double maxDifference(float[] reference, Tensor candidate) {
    float[] c = candidate.toFloatArray();
    candidate.close();
    double max = 0;
    for (int i = 0; i < c.length; i++) {
      max = Math.max(max, Math.abs(c[i] - reference[i]));
    }
    return max;
  }
}
