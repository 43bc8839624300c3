package dev.harmonics.spark.train;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.spark.model.ModelIo;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The work of one task in one round: train (or take gradients of) this partition's mini-batches
 * of the round, starting from the broadcast model.
 *
 * <p>Everything a task does follows from its inputs: the sample order comes from the seed, the
 * epoch and the partition index, and dropout from the seed and the step. A task that Spark runs
 * again, on another executor after a failure, therefore sends back exactly the same result.
 */
final class PartitionTrainer {

  private PartitionTrainer() {}

  /** Mini-batches of {@code samples} samples at {@code batchSize}, the last one partial. */
  static int batchesPerEpoch(int samples, int batchSize) {
    return (samples + batchSize - 1) / batchSize;
  }

  static RoundResult run(PartitionData data, ModelSnapshot model, SparkTrainOptions o, int epoch,
      int round, KernelProvider kernels) {
    int batches = batchesPerEpoch(data.samples(), o.batchSize());
    int first = round * o.syncEvery();
    int last = Math.min(batches, first + o.syncEvery());
    if (first >= last) {
      return RoundResult.empty();
    }
    int[] order = order(data.samples(), o.seed(), epoch, data.partition());
    OptimizerConfig config = OptimizerConfig.named(o.optimizer());
    try (CycleRuntime runtime = model.open(kernels)) {
      runtime.setTrainingOptions(FitOptions.defaults().withOptimizer(config)
          .withLearningRate(o.learningRate()).withAccumulation(Integer.MAX_VALUE));
      ModelIo feeds = ModelIo.forTraining(runtime.graph());
      boolean averageParameters = o.mode() == SparkTrainOptions.Mode.PARAMETER_AVERAGING;
      Optimizer optimizer = averageParameters
          ? new Optimizer(config, 0, runtime.parameters(), kernels) : null;
      try {
        if (optimizer != null) {
          model.restoreInto(runtime, optimizer);
        }
        double lossSum = 0;
        for (int b = first; b < last; b++) {
          int from = b * o.batchSize();
          int to = Math.min(data.samples(), from + o.batchSize());
          try (Tensor x = features(data, order, from, to, feeds.inputShape());
              Tensor y = labels(data, order, from, to)) {
            lossSum += runtime.trainStep(Map.of(feeds.input(), x, feeds.target(), y)).loss();
          }
          if (optimizer != null) {
            optimizer.step(o.learningRate());
            runtime.parameters().forEach(p -> p.grad().fill(0f));
          }
        }
        return new RoundResult(averageParameters ? valuesAndState(runtime, optimizer)
            : gradients(runtime), optimizer == null ? 0 : optimizer.steps(), lossSum,
            last - first);
      } finally {
        if (optimizer != null) {
          optimizer.close();
        }
      }
    }
  }

  private static float[][] valuesAndState(CycleRuntime runtime, Optimizer optimizer) {
    List<float[]> arrays = new ArrayList<>();
    List<Parameter> parameters = runtime.parameters();
    for (Parameter p : parameters) {
      arrays.add(p.value().toFloatArray());
    }
    for (int i = 0; i < parameters.size(); i++) {
      for (Tensor t : optimizer.stateOf(i)) {
        arrays.add(t.toFloatArray());
      }
    }
    return arrays.toArray(float[][]::new);
  }

  /** The gradients summed over the round's mini-batches (the runtime accumulated them). */
  private static float[][] gradients(CycleRuntime runtime) {
    return runtime.parameters().stream().map(p -> p.grad().toFloatArray())
        .toArray(float[][]::new);
  }

  /** A permutation of the partition's samples for this epoch, from the seed alone. */
  static int[] order(int samples, long seed, int epoch, int partition) {
    SplittableRandom random =
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + partition);
    int[] order = new int[samples];
    for (int i = 0; i < samples; i++) {
      order[i] = i;
    }
    for (int i = samples - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  static Tensor features(PartitionData d, int[] order, int from, int to, int[] shape) {
    int width = d.width();
    float[] out = new float[(to - from) * width];
    for (int i = from; i < to; i++) {
      System.arraycopy(d.features(), order[i] * width, out, (i - from) * width, width);
    }
    int[] dims = new int[shape.length + 1];
    dims[0] = to - from;
    System.arraycopy(shape, 0, dims, 1, shape.length);
    return Tensor.of(out, dims);
  }

  static Tensor labels(PartitionData d, int[] order, int from, int to) {
    int[] out = new int[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = d.labels()[order[i]];
    }
    return Tensor.ofInts(out, to - from);
  }
}
