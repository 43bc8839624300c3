package dev.harmonics.runtime.optim;

/**
 * The learning rate of each optimizer step, from the base rate. Schedules are pure functions of
 * the step and epoch counters, so a resumed run continues on exactly the same curve.
 */
public sealed interface LearningRateSchedule {

  /**
   * The rate for an update.
   *
   * @param base the configured learning rate
   * @param step 0-based optimizer update index
   * @param epoch 0-based epoch the update belongs to
   * @param totalSteps updates the whole run will take (for schedules that span the run)
   */
  double rate(double base, long step, int epoch, long totalSteps);

  /** The same rate throughout. */
  record Constant() implements LearningRateSchedule {
    @Override
    public double rate(double base, long step, int epoch, long totalSteps) {
      return base;
    }
  }

  /** Multiplied by {@code gamma} every {@code everyEpochs} epochs. */
  record StepDecay(int everyEpochs, double gamma) implements LearningRateSchedule {
    /** Checks both settings. */
    public StepDecay {
      if (everyEpochs < 1) {
        throw new IllegalArgumentException("everyEpochs: " + everyEpochs + " (expected: >= 1)");
      }
      requireFactor("gamma", gamma);
    }

    @Override
    public double rate(double base, long step, int epoch, long totalSteps) {
      return base * Math.pow(gamma, epoch / everyEpochs);
    }
  }

  /** {@code max(floor, base * factor^epoch)}: exponential decay per epoch, never below a floor. */
  record ExponentialDecay(double factor, double floor) implements LearningRateSchedule {
    /** Checks both settings. */
    public ExponentialDecay {
      requireFactor("factor", factor);
      if (!(floor >= 0) || Double.isInfinite(floor)) {
        throw new IllegalArgumentException("floor: " + floor + " (expected: finite, >= 0)");
      }
    }

    @Override
    public double rate(double base, long step, int epoch, long totalSteps) {
      return Math.max(floor, base * Math.pow(factor, epoch));
    }
  }

  /**
   * Cosine annealing over the whole run, per step, from the base rate down to {@code minimum}:
   * {@code minimum + (base - minimum) * (1 + cos(pi * step / totalSteps)) / 2}.
   */
  record Cosine(double minimum) implements LearningRateSchedule {
    /** Checks the minimum. */
    public Cosine {
      if (!(minimum >= 0) || Double.isInfinite(minimum)) {
        throw new IllegalArgumentException("minimum: " + minimum + " (expected: finite, >= 0)");
      }
    }

    @Override
    public double rate(double base, long step, int epoch, long totalSteps) {
      double progress = totalSteps <= 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
      return minimum + (base - minimum) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
  }

  /** The same rate throughout. */
  static LearningRateSchedule constant() {
    return new Constant();
  }

  private static void requireFactor(String name, double value) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: 0 < " + name
          + " <= 1)");
    }
  }
}
