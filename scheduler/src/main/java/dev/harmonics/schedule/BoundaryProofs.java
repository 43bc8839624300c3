package dev.harmonics.schedule;

import dev.harmonics.secure.Proof;
import dev.harmonics.secure.ProofChain;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * Secure mode on one direction of one boundary: the sender chains a SHA-256 proof over every
 * tensor it sends and attaches it; the receiver keeps the same chain from what it received, so a
 * tensor changed, lost, repeated or reordered on the way breaks the match and is refused.
 */
final class BoundaryProofs {

  private final String where;
  private final ProofChain chain = ProofChain.start();

  BoundaryProofs(String where) {
    this.where = where;
  }

  /** The encoded proof of {@code sent}, chained after every earlier one. */
  byte[] prove(Tensor sent) {
    return chain.append(sent).encode();
  }

  /**
   * Checks that {@code proof} is the next link of the chain for {@code received}.
   *
   * @throws SecurityException naming the boundary and the step when it is not
   */
  void verify(Tensor received, byte[] proof) {
    if (proof.length == 0) {
      throw new SecurityException(where + ": tensor arrived without a proof in secure mode");
    }
    Proof claimed = Proof.decode(proof);
    Proof expected = chain.append(received);
    if (!Arrays.equals(claimed.encode(), expected.encode())) {
      throw new SecurityException(where + ": proof of step " + claimed.step()
          + " does not match the tensor received as step " + expected.step()
          + " (changed, lost or reordered on the way)");
    }
  }
}
