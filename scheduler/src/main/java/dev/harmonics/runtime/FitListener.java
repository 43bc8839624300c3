package dev.harmonics.runtime;

/** Told about training progress by {@link CycleRuntime#fit}; both methods default to nothing. */
public interface FitListener {

  /** After each optimizer update. */
  default void onUpdate(StepProgress progress) {}

  /** After each epoch, with its validation result when there is validation data. */
  default void onEpoch(EpochProgress progress) {}

  /**
   * One optimizer update.
   *
   * @param epoch 0-based epoch
   * @param step 1-based count of updates so far
   * @param batchesDone batches of this epoch read so far
   * @param batchesPerEpoch batches in an epoch, or -1 when unknown
   * @param loss the mean loss of the update's batches
   * @param gradientNorm the global L2 norm of the gradients, before clipping
   * @param learningRate the rate used for the update
   */
  record StepProgress(int epoch, long step, long batchesDone, long batchesPerEpoch, double loss,
      double gradientNorm, double learningRate) {}

  /**
   * One finished epoch.
   *
   * @param epoch 0-based epoch just finished
   * @param trainingLoss the mean loss over its batches
   * @param samples samples trained on in it
   * @param seconds wall time of the epoch, validation excluded
   * @param validation the validation result, or null
   */
  record EpochProgress(int epoch, double trainingLoss, long samples, double seconds,
      Evaluation validation) {}
}
