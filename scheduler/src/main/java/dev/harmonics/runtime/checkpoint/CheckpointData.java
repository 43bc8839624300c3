package dev.harmonics.runtime.checkpoint;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a checkpoint holds, as plain values: what {@link CheckpointFile} writes and reads.
 *
 * @param graphName the graph's name
 * @param graphDigest the graph's structural digest (hex SHA-256); a load into another graph is
 *     refused
 * @param seed the run's seed
 * @param step training steps (micro-batches) taken
 * @param epoch epochs completed
 * @param batchInEpoch batches of the current epoch already trained on
 * @param updates optimizer updates made (the bias-correction step)
 * @param precision the precision policy, encoded ({@code dev.harmonics.runtime} decodes it)
 * @param optimizer the optimizer's rule and hyper-parameters, or null when none was created
 * @param tensors parameters, layer state and optimizer state, by name, in a fixed order
 */
public record CheckpointData(String graphName, String graphDigest, long seed, long step, int epoch,
    long batchInEpoch, long updates, String precision, OptimizerState optimizer,
    List<NamedTensor> tensors) {

  /** Checks the fields that must be present. */
  public CheckpointData {
    Objects.requireNonNull(graphName, "graphName");
    Objects.requireNonNull(graphDigest, "graphDigest");
    Objects.requireNonNull(precision, "precision");
    tensors = List.copyOf(tensors);
  }

  /**
   * The optimizer's identity.
   *
   * @param id {@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop} or {@code lamb}
   * @param weightDecay the weight decay it applies
   * @param hyperParameters the rule's own settings, in the order of its config record
   */
  public record OptimizerState(String id, double weightDecay, double[] hyperParameters) {
    /** Copies the array. */
    public OptimizerState {
      Objects.requireNonNull(id, "id");
      hyperParameters = hyperParameters.clone();
    }

    @Override
    public double[] hyperParameters() {
      return hyperParameters.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OptimizerState s && id.equals(s.id)
          && Double.compare(weightDecay, s.weightDecay) == 0
          && Arrays.equals(hyperParameters, s.hyperParameters);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, weightDecay, Arrays.hashCode(hyperParameters));
    }
  }

  /**
   * One float32 tensor.
   *
   * @param name {@code param:<layer>.<role>}, {@code state:<layer>#<i>} or
   *     {@code optimizer:<parameter>#<i>}
   * @param shape its dimensions
   * @param values its elements in row-major order
   */
  public record NamedTensor(String name, int[] shape, float[] values) {
    /** Checks that the values fill the shape. */
    public NamedTensor {
      Objects.requireNonNull(name, "name");
      long count = 1;
      for (int d : shape) {
        count *= d;
      }
      if (count != values.length) {
        throw new IllegalArgumentException("tensor '" + name + "': " + values.length
            + " values for shape " + Arrays.toString(shape));
      }
    }
  }
}
