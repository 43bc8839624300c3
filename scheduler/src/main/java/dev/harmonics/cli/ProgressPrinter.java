package dev.harmonics.cli;

import dev.harmonics.runtime.Evaluation;
import dev.harmonics.runtime.FitListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints training progress as plain lines (a tenth of an epoch at a time, then an epoch summary),
 * which read well in a terminal, a log file and CI output alike.
 */
final class ProgressPrinter implements FitListener {

  private final PrintWriter out;
  private final int totalEpochs;
  private final int firstEpoch;
  private long nextReport;
  private double lossSum;
  private long lossCount;
  private long started = System.nanoTime();

  ProgressPrinter(PrintWriter out, int firstEpoch, int totalEpochs) {
    this.out = out;
    this.firstEpoch = firstEpoch;
    this.totalEpochs = totalEpochs;
  }

  @Override
  public void onUpdate(StepProgress p) {
    lossSum += p.loss();
    lossCount++;
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
    Evaluation v = p.validation();
    String validation = v == null ? "" : String.format(Locale.ROOT,
        "  test loss %.4f  test accuracy %.4f", v.loss(), v.accuracy());
    out.printf(Locale.ROOT, "epoch %d/%d done: train loss %.4f  %.1fs  %.0f samples/s%s%n",
        p.epoch() - firstEpoch + 1, totalEpochs, p.trainingLoss(), p.seconds(),
        p.samples() / p.seconds(), validation);
    out.flush();
    nextReport = 0;
  }
}
