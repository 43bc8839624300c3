package dev.harmonics.secure;

/**
 * The outcome of {@link ProofVerifier#verify}: valid, or the first step that does not match and
 * why.
 *
 * @param valid whether every recorded step reproduces its proof
 * @param steps number of steps checked
 * @param failedStep the first step that does not match, or -1 when valid
 * @param reason what did not match, or empty when valid
 */
public record Verification(boolean valid, int steps, long failedStep, String reason) {

  static Verification ok(int steps) {
    return new Verification(true, steps, -1, "");
  }

  static Verification failed(int steps, long step, String reason) {
    return new Verification(false, steps, step, reason);
  }

  /** Returns normally when valid, else throws {@link SecurityException} with the reason. */
  public void requireValid() {
    if (!valid) {
      throw new SecurityException("proof chain broken at step " + failedStep + ": " + reason);
    }
  }
}
