package dev.harmonics.schedule;

import dev.harmonics.runtime.FitOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a pipeline of partitions trains.
 *
 * @param microBatches the micro-batches each step's batch is split into; the update averages
 *     their gradients, as {@link FitOptions#accumulation()} does on one runtime
 * @param receiveTimeout how long a partition waits for a boundary tensor before the step fails
 *     with the boundary's name
 * @param training the optimizer, learning rate and schedule of every partition (gradient
 *     clipping is refused: its norm spans every partition)
 */
public record PipelineOptions(int microBatches, Duration receiveTimeout, FitOptions training) {

  public PipelineOptions {
    if (microBatches < 1) {
      throw new IllegalArgumentException("microBatches: " + microBatches + " (expected: >= 1)");
    }
    Objects.requireNonNull(receiveTimeout, "receiveTimeout");
    if (receiveTimeout.isNegative() || receiveTimeout.isZero()) {
      throw new IllegalArgumentException("receiveTimeout: " + receiveTimeout
          + " (expected: > 0)");
    }
    Objects.requireNonNull(training, "training");
    if (training.clipNorm() > 0) {
      throw new IllegalArgumentException("training: clipNorm " + training.clipNorm()
          + " (expected: 0; a global norm clip needs every partition's gradients at once)");
    }
  }

  /** Four micro-batches, a minute's patience per boundary, the runtime's default training. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(4, Duration.ofMinutes(1), FitOptions.defaults());
  }

  public PipelineOptions withMicroBatches(int n) {
    return new PipelineOptions(n, receiveTimeout, training);
  }

  public PipelineOptions withReceiveTimeout(Duration timeout) {
    return new PipelineOptions(microBatches, timeout, training);
  }

  public PipelineOptions withTraining(FitOptions options) {
    return new PipelineOptions(microBatches, receiveTimeout, options);
  }
}
