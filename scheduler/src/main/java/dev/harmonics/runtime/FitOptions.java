package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.runtime.optim.LearningRateSchedule;
import dev.harmonics.runtime.optim.OptimizerConfig;
import java.util.Objects;

/**
 * How {@link CycleRuntime#fit} trains. Immutable; start from {@link #defaults()} and change
 * settings with the {@code with...} methods.
 *
 * @param learningRate the base rate, before the schedule
 * @param schedule the rate of each update from the base rate and the counters
 * @param optimizer the update rule
 * @param weightDecay decay of weights (never biases or norm parameters); coupled L2 for SGD,
 *     Adam and RMSProp, decoupled for AdamW and LAMB
 * @param clipNorm clip the gradients' global L2 norm to this, or 0 for no clipping
 * @param accumulation micro-batches whose gradients are averaged into one update
 * @param plannedEpochs the run's planned length in epochs for schedules that span it (cosine),
 *     or 0 to take the epochs of the {@code fit} call
 * @param validation data evaluated after every epoch, or null
 * @param earlyStopping when to stop on the validation metric, or null to run every epoch
 * @param listener told about each update and epoch, or null
 */
public record FitOptions(
    double learningRate,
    LearningRateSchedule schedule,
    OptimizerConfig optimizer,
    double weightDecay,
    double clipNorm,
    int accumulation,
    int plannedEpochs,
    Producer<Batch> validation,
    EarlyStopping earlyStopping,
    FitListener listener) {

  /** Checks every setting. */
  public FitOptions {
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate: " + learningRate + " (expected: finite, >= 0)");
    }
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(optimizer, "optimizer");
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weightDecay: " + weightDecay + " (expected: finite, >= 0)");
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clipNorm: " + clipNorm + " (expected: finite, >= 0)");
    }
    if (accumulation < 1) {
      throw new IllegalArgumentException("accumulation: " + accumulation + " (expected: >= 1)");
    }
    if (plannedEpochs < 0) {
      throw new IllegalArgumentException("plannedEpochs: " + plannedEpochs + " (expected: >= 0)");
    }
    if (earlyStopping != null && validation == null) {
      throw new IllegalArgumentException(
          "earlyStopping: set without validation data (expected: withValidation(...) as well)");
    }
  }

  /** Adam at 1e-3, constant rate, no decay, no clipping, one batch per update. */
  public static FitOptions defaults() {
    return new FitOptions(1e-3, LearningRateSchedule.constant(), OptimizerConfig.adam(), 0, 0, 1,
        0, null, null, null);
  }

  /** With another base learning rate. */
  public FitOptions withLearningRate(double rate) {
    return new FitOptions(rate, schedule, optimizer, weightDecay, clipNorm, accumulation,
        plannedEpochs, validation, earlyStopping, listener);
  }

  /** With another schedule. */
  public FitOptions withSchedule(LearningRateSchedule newSchedule) {
    return new FitOptions(learningRate, newSchedule, optimizer, weightDecay, clipNorm,
        accumulation, plannedEpochs, validation, earlyStopping, listener);
  }

  /** With another optimizer. */
  public FitOptions withOptimizer(OptimizerConfig newOptimizer) {
    return new FitOptions(learningRate, schedule, newOptimizer, weightDecay, clipNorm,
        accumulation, plannedEpochs, validation, earlyStopping, listener);
  }

  /** With weight decay. */
  public FitOptions withWeightDecay(double decay) {
    return new FitOptions(learningRate, schedule, optimizer, decay, clipNorm, accumulation,
        plannedEpochs, validation, earlyStopping, listener);
  }

  /** Clipping the gradients' global norm to {@code maxNorm} (0 turns it off). */
  public FitOptions withClipNorm(double maxNorm) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, maxNorm, accumulation,
        plannedEpochs, validation, earlyStopping, listener);
  }

  /** Averaging {@code microBatches} batches' gradients into each update. */
  public FitOptions withAccumulation(int microBatches) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, clipNorm, microBatches,
        plannedEpochs, validation, earlyStopping, listener);
  }

  /** The run's planned length, for schedules that span it. */
  public FitOptions withPlannedEpochs(int epochs) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, clipNorm, accumulation,
        epochs, validation, earlyStopping, listener);
  }

  /** Evaluating {@code data} after each epoch. */
  public FitOptions withValidation(Producer<Batch> data) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, clipNorm, accumulation,
        plannedEpochs, data, earlyStopping, listener);
  }

  /** Stopping early on the validation metric. */
  public FitOptions withEarlyStopping(EarlyStopping rule) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, clipNorm, accumulation,
        plannedEpochs, validation, rule, listener);
  }

  /** Reporting progress to {@code newListener}. */
  public FitOptions withListener(FitListener newListener) {
    return new FitOptions(learningRate, schedule, optimizer, weightDecay, clipNorm, accumulation,
        plannedEpochs, validation, earlyStopping, newListener);
  }

  /**
   * Stop when the validation metric has not improved by more than {@code minDelta} for
   * {@code patience} epochs in a row.
   *
   * @param metric what to watch
   * @param patience epochs without improvement tolerated, at least 1
   * @param minDelta the smallest change that counts as an improvement, {@code >= 0}
   */
  public record EarlyStopping(Metric metric, int patience, double minDelta) {
    /** Checks every setting. */
    public EarlyStopping {
      Objects.requireNonNull(metric, "metric");
      if (patience < 1) {
        throw new IllegalArgumentException("patience: " + patience + " (expected: >= 1)");
      }
      if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
        throw new IllegalArgumentException("minDelta: " + minDelta + " (expected: finite, >= 0)");
      }
    }
  }

  /** A validation metric and which way is better. */
  public enum Metric {
    /** Fraction of rows classified right; higher is better. */
    ACCURACY,
    /** Mean loss; lower is better. */
    LOSS;

    /** Whether {@code candidate} beats {@code best} by more than {@code delta}. */
    boolean improves(double candidate, double best, double delta) {
      return this == ACCURACY ? candidate > best + delta : candidate < best - delta;
    }

    /** The value of {@code e} this metric reads. */
    double of(Evaluation e) {
      return this == ACCURACY ? e.accuracy() : e.loss();
    }
  }
}
