package dev.harmonics.partition;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Small graphs and seeded data for the partition and scheduler tests. */
public final class TestGraphs {

  private TestGraphs() {}

  /** A five-layer classifier over 12 features: x -> a -> b -> c -> d -> logits -> p. */
  public static HarmonicGraph chain() {
    return HarpParser.parse("""
        harmonic chain {
          producer x {12};
          producer labels {1};
          layer a dense(units=16);
          layer b dense(units=16);
          layer c dense(units=12);
          layer d dense(units=8);
          layer logits dense(units=4);
          consumer p {4};
          cycle {
            x -> a -(relu)-> b -(tanh)-> c -(relu)-> d -(sigmoid)-> logits -(softmax)-> p;
            p <-(cross_entropy)- labels;
          }
        }
        """, "chain.harp");
  }

  /** {@code x} {@code [n, 12]} and class-index labels {@code [n]} from {@code seed}. */
  public static Map<String, Tensor> batch(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[n * 12];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(4);
      for (int j = 0; j < 12; j++) {
        x[i * 12 + j] = (float) random.nextGaussian() + (j % 4 == labels[i] ? 1.5f : 0f);
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("x", Tensor.of(x, n, 12));
    out.put("labels", Tensor.ofInts(labels, n));
    return out;
  }
}
