package dev.harmonics.schedule;

import java.util.List;

/**
 * What a scheduler's {@code fit} did.
 *
 * @param epochLosses the mean step loss of each epoch
 * @param steps the optimizer updates made
 */
public record FitSummary(List<Double> epochLosses, long steps) {

  public FitSummary {
    epochLosses = List.copyOf(epochLosses);
  }

  /** The last epoch's mean loss, or NaN when no epoch ran. */
  public double lastLoss() {
    return epochLosses.isEmpty() ? Double.NaN : epochLosses.getLast();
  }
}
