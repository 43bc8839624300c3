package dev.harmonics.cli;

import dev.harmonics.runtime.Evaluation;
import dev.harmonics.runtime.FitListener;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: in a terminal, a progress bar per epoch (me.tongfei's progressbar, on
 * stderr) with the running loss, gradient norm and learning rate; elsewhere (logs, CI, tests)
 * plain lines a tenth of an epoch at a time. Either way each epoch ends with a summary line.
 */
final class ProgressPrinter implements FitListener {

  private final PrintWriter out;
  private final int totalEpochs;
  private final int firstEpoch;
  private final boolean bar;
  private final long started = System.nanoTime();
  private ProgressBar progress;
  private long nextReport;
  private double lossSum;
  private long lossCount;

  /**
   * @param bar draw a progress bar (for a terminal) instead of printing lines
   */
  ProgressPrinter(PrintWriter out, int firstEpoch, int totalEpochs, boolean bar) {
    this.out = out;
    this.firstEpoch = firstEpoch;
    this.totalEpochs = totalEpochs;
    this.bar = bar;
  }

  /** Whether this process writes to a terminal, where a bar reads better than lines. */
  static boolean interactive() {
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }

  @Override
  public void onUpdate(StepProgress p) {
    lossSum += p.loss();
    lossCount++;
    if (bar) {
      updateBar(p);
    } else {
      printLine(p);
    }
  }

  private void updateBar(StepProgress p) {
    if (progress == null) {
      progress = new ProgressBarBuilder()
          .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", p.epoch() - firstEpoch + 1,
              totalEpochs))
          .setInitialMax(Math.max(0, p.batchesPerEpoch()))
          .setUnit(" batches", 1)
          .setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250)
          .build();
    }
    progress.stepTo(p.batchesDone());
    progress.setExtraMessage(String.format(Locale.ROOT, "loss %.4f |grad| %.3f lr %.2e",
        lossSum / lossCount, p.gradientNorm(), p.learningRate()));
  }

  private void printLine(StepProgress p) {
    if (p.batchesPerEpoch() <= 0 || p.batchesDone() < nextReport) {
      return;
    }
    long tenth = Math.max(1, p.batchesPerEpoch() / 10);
    nextReport = (p.batchesDone() / tenth + 1) * tenth;
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(Locale.ROOT, "epoch %d/%d %3d%%  loss %.4f  |grad| %.3f  lr %.2e  %.1fs%n",
        p.epoch() - firstEpoch + 1, totalEpochs, 100 * p.batchesDone() / p.batchesPerEpoch(),
        lossSum / lossCount, p.gradientNorm(), p.learningRate(), seconds);
    out.flush();
    lossSum = 0;
    lossCount = 0;
  }

  @Override
  public void onEpoch(EpochProgress p) {
    if (progress != null) {
      progress.close();
      progress = null;
    }
    Evaluation v = p.validation();
    String validation = v == null ? "" : String.format(Locale.ROOT,
        "  test loss %.4f  test accuracy %.4f", v.loss(), v.accuracy());
    out.printf(Locale.ROOT, "epoch %d/%d done: train loss %.4f  %.1fs  %.0f samples/s%s%n",
        p.epoch() - firstEpoch + 1, totalEpochs, p.trainingLoss(), p.seconds(),
        p.samples() / p.seconds(), validation);
    out.flush();
    nextReport = 0;
    lossSum = 0;
    lossCount = 0;
  }
}
