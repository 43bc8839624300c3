package dev.harmonics.runtime.layer;

/**
 * What a forward pass is for: training (dropout active, batch statistics) or evaluation, with the
 * run's seed and the optimizer step, so stochastic layers draw the same numbers when a run is
 * repeated or resumed.
 *
 * @param training training mode, or evaluation when false
 * @param seed the run's seed
 * @param step the 0-based training step (micro-batch) this pass belongs to
 */
public record Pass(boolean training, long seed, long step) {

  /** An evaluation pass: deterministic, no randomness drawn. */
  public static Pass evaluation() {
    return new Pass(false, 0, 0);
  }

  /** A training pass of step {@code step} under {@code seed}. */
  public static Pass training(long seed, long step) {
    return new Pass(true, seed, step);
  }
}
