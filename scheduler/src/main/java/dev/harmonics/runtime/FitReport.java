package dev.harmonics.runtime;

import java.util.List;

/**
 * What a {@link CycleRuntime#fit} call did.
 *
 * @param epochs the epochs run, in order, with their losses and validation results
 * @param updates optimizer updates made
 * @param samples samples trained on
 * @param seconds wall time of training, validation included
 * @param stoppedEarly whether early stopping ended the run before its last epoch
 */
public record FitReport(List<FitListener.EpochProgress> epochs, long updates, long samples,
    double seconds, boolean stoppedEarly) {

  /** The training loss of the last epoch, or NaN when none ran. */
  public double finalLoss() {
    return epochs.isEmpty() ? Double.NaN : epochs.getLast().trainingLoss();
  }

  /** Samples per second of training. */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : Double.NaN;
  }
}
