package dev.harmonics.bench.runtime;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * What the training-step benchmarks share: examples/fashion_mlp.harp (784-256-128-10), a fixed
 * random batch shaped like Fashion-MNIST, and the FLOPs of one step, counted as the GEMMs' (forward
 * {@code 2·B·W}, weight gradients {@code 2·B·W}, input gradients of all but the first layer).
 */
public final class FashionMlpStep {

  private static final int[] WIDTHS = {784, 256, 128, 10};

  private FashionMlpStep() {}

  /** The example graph, from {@code -Dharmonics.home} (set by the launcher) or the working dir. */
  public static HarmonicGraph graph() throws IOException {
    Path home = Path.of(System.getProperty("harmonics.home", "."));
    return HarpParser.parse(home.resolve("examples/fashion_mlp.harp"));
  }

  /** {@code images} ({@code [batch, 784]}, uniform in [0, 1)) and {@code labels}, seeded. */
  public static Map<String, Tensor> inputs(int batch) {
    Random random = new Random(1);
    float[] pixels = new float[batch * WIDTHS[0]];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = random.nextInt(10);
    }
    return Map.of("images", Tensor.of(pixels, batch, WIDTHS[0]),
        "labels", Tensor.ofInts(labels, batch));
  }

  /** FLOPs of one training step on {@code batch} samples. */
  public static long flops(int batch) {
    long weights = 0;
    long innerInputs = 0;
    for (int l = 0; l + 1 < WIDTHS.length; l++) {
      long w = (long) WIDTHS[l] * WIDTHS[l + 1];
      weights += w;
      innerInputs += l > 0 ? w : 0;
    }
    return (long) batch * (4 * weights + 2 * innerInputs);
  }
}
