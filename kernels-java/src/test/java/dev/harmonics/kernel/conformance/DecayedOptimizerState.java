package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The CPU backends' promise that optimizer state which decays below the smallest normal float is
 * stored as 0 (a subnormal state costs every later step microcode assists; the reference keeps
 * the subnormals, so this is not part of the shared conformance suite). Each optimizer takes one
 * step with a zero gradient from state at 5e-39, already subnormal, so that beta times it is too;
 * every state element must come out exactly 0 and the parameters unchanged. The length has whole
 * vectors, whole spans of the C loops, and a tail.
 */
public final class DecayedOptimizerState {

  private static final int N = 1037;
  private static final float SUBNORMAL = 5e-39f;

  private DecayedOptimizerState() {}

  /** Runs every optimizer of {@code kernels} through the check. */
  public static void check(OptimizerKernels kernels) {
    step("sgd momentum", 1,
        s -> kernels.sgd(SgdConfig.ofMomentum(0.1, 0.9), 5, s[0], s[1], s[2]));
    step("adam", 2, s -> kernels.adam(AdamConfig.adam(1e-3), 5, s[0], s[1], s[2], s[3]));
    step("rmsprop centered with momentum", 3, s -> kernels.rmsprop(
        RmsPropConfig.of(1e-3).withMomentum(0.9).withCentered(true), s[0], s[1], s[2], s[3],
        s[4]));
    step("lamb", 2,
        s -> kernels.lamb(LambConfig.of(1e-3).withWeightDecay(0), 5, s[0], s[1], s[2], s[3]));
  }

  private static void step(String what, int states, Consumer<Tensor[]> call) {
    float[] param = new float[N];
    Arrays.fill(param, 0.5f);
    float[] decayed = new float[N];
    Arrays.fill(decayed, SUBNORMAL);
    Tensor[] tensors = new Tensor[2 + states];
    tensors[0] = Tensor.of(param, N);
    tensors[1] = Tensor.zeros(N);
    for (int s = 0; s < states; s++) {
      tensors[2 + s] = Tensor.of(decayed, N);
    }
    try {
      call.accept(tensors);
      for (int s = 0; s < states; s++) {
        float[] state = tensors[2 + s].toFloatArray();
        for (int i = 0; i < N; i++) {
          assertEquals(0f, state[i], what + ": state " + s + " element " + i);
        }
      }
      float[] after = tensors[0].toFloatArray();
      for (int i = 0; i < N; i++) {
        assertEquals(0.5f, after[i], what + ": param element " + i);
      }
    } finally {
      for (Tensor t : tensors) {
        t.close();
      }
    }
  }
}
