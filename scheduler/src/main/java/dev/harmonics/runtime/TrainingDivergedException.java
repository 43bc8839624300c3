package dev.harmonics.runtime;

/**
 * Training produced NaN or infinity. The message names the step and where the first non-finite
 * value appeared (a layer's output, a loss tap, or a parameter's gradient); the parameters are
 * left as they were before the failing step's update.
 */
public final class TrainingDivergedException extends ArithmeticException {

  private final long step;
  private final String location;

  TrainingDivergedException(long step, String location, String detail) {
    super("training diverged at step " + step + ": " + detail + " in " + location
        + " (lower the learning rate, clip gradients, or check the data)");
    this.step = step;
    this.location = location;
  }

  /** The 0-based training step (micro-batch) at which it happened. */
  public long step() {
    return step;
  }

  /** Where the first non-finite value appeared, e.g. {@code layer 'hidden2' (forward output)}. */
  public String location() {
    return location;
  }
}
