package dev.harmonics.runtime;

import dev.harmonics.data.Batch;
import java.util.ArrayList;
import java.util.List;

/** One {@link CycleRuntime#fit} call: the epoch loop, progress reports and early stopping. */
final class FitLoop {

  private final CycleRuntime runtime;
  private final FitOptions options;
  private final int epochs;
  private final FitListener listener;

  FitLoop(CycleRuntime runtime, FitOptions options, int epochs) {
    this.runtime = runtime;
    this.options = options;
    this.epochs = epochs;
    this.listener = options.listener() != null ? options.listener() : new FitListener() {};
  }

  FitReport run() {
    long start = System.nanoTime();
    long perEpoch = runtime.batchesPerEpoch();
    int planned = options.plannedEpochs() > 0 ? options.plannedEpochs() : runtime.epoch() + epochs;
    long updatesPerEpoch = perEpoch > 0 ? (perEpoch + options.accumulation() - 1)
        / options.accumulation() : 0;
    runtime.setPlannedUpdates(updatesPerEpoch * planned);
    long updatesBefore = runtime.updates();
    List<FitListener.EpochProgress> done = new ArrayList<>();
    long samples = 0;
    boolean stopped = false;
    double best = Double.NaN;
    int sinceBest = 0;
    for (int e = 0; e < epochs; e++) {
      FitListener.EpochProgress progress = runEpoch(perEpoch);
      samples += progress.samples();
      done.add(progress);
      listener.onEpoch(progress);
      FitOptions.EarlyStopping rule = options.earlyStopping();
      if (rule != null) {
        double value = rule.metric().of(progress.validation());
        if (Double.isNaN(best) || rule.metric().improves(value, best, rule.minDelta())) {
          best = value;
          sinceBest = 0;
        } else if (++sinceBest >= rule.patience()) {
          stopped = e < epochs - 1;
          break;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new FitReport(List.copyOf(done), runtime.updates() - updatesBefore, samples, seconds,
        stopped);
  }

  private FitListener.EpochProgress runEpoch(long perEpoch) {
    runtime.positionProducers();
    int epoch = runtime.epoch();
    long start = System.nanoTime();
    double lossSum = 0;
    long samples = 0;
    List<Batch> open = new ArrayList<>();
    try {
      while (runtime.feedNextBatches(open)) {
        int n = open.getFirst().size();
        StepResult r = runtime.trainFed();
        lossSum += r.loss() * n;
        samples += n;
        report(epoch, perEpoch, r);
        closeAll(open);
      }
    } finally {
      closeAll(open);
    }
    StepResult last = runtime.flushAccumulated();
    if (last != null) {
      report(epoch, perEpoch, last);
    }
    runtime.advanceEpoch();
    double seconds = (System.nanoTime() - start) / 1e9;
    Evaluation validation = options.validation() == null ? null
        : runtime.evaluate(options.validation());
    return new FitListener.EpochProgress(epoch, samples == 0 ? Double.NaN : lossSum / samples,
        samples, seconds, validation);
  }

  private void report(int epoch, long perEpoch, StepResult r) {
    if (r.updated()) {
      listener.onUpdate(new FitListener.StepProgress(epoch, runtime.updates(),
          runtime.batchInEpoch(), perEpoch, r.loss(), r.gradientNorm(), r.learningRate()));
    }
  }

  private static void closeAll(List<Batch> open) {
    open.forEach(Batch::close);
    open.clear();
  }
}
