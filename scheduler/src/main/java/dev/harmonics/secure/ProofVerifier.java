package dev.harmonics.secure;

import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * Recomputes a {@link ProofChain} from the tensors recorded at each step and compares it with the
 * recorded proofs: any changed element, shape, dtype, tensor order, step number or proof makes
 * the first affected step fail.
 */
public final class ProofVerifier {

  private ProofVerifier() {}

  /** Checks {@code chain}'s history against the tensors each of its steps produced. */
  public static Verification verify(ProofChain chain, List<List<Tensor>> recorded) {
    return verify(chain.origin(), chain.history(), recorded);
  }

  /**
   * Checks that {@code proofs} is the chain from {@code origin} over {@code recorded}, where
   * {@code recorded.get(i)} holds the tensors of the step closed by {@code proofs.get(i)}.
   * {@code origin} must come from a trusted place: {@link ProofChain#genesis()}, or the last
   * proof of the chain this one continues.
   */
  public static Verification verify(Proof origin, List<Proof> proofs, List<List<Tensor>> recorded) {
    if (proofs.size() != recorded.size()) {
      return Verification.failed(0, origin.step() + 1 + Math.min(proofs.size(), recorded.size()),
          proofs.size() + " proofs but " + recorded.size() + " recorded steps");
    }
    Proof previous = origin;
    for (int i = 0; i < proofs.size(); i++) {
      Proof claimed = proofs.get(i);
      long step = origin.step() + 1 + i;
      if (claimed.step() != step) {
        return Verification.failed(i, step,
            "proof " + i + " says step " + claimed.step() + " (expected " + step + ")");
      }
      Proof recomputed = ProofChain.next(previous, recorded.get(i));
      if (!recomputed.equals(claimed)) {
        return Verification.failed(i, step, "recorded proof " + claimed.hex()
            + " but the recorded tensors give " + recomputed.hex()
            + ": a tensor of this step or the proof was changed");
      }
      previous = recomputed;
    }
    return Verification.ok(proofs.size());
  }
}
