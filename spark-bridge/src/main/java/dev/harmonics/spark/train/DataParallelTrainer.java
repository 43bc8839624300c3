package dev.harmonics.spark.train;

import static org.apache.spark.sql.functions.col;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.runtime.optim.Optimizer;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.spark.backend.ExecutorBackends;
import dev.harmonics.spark.model.ModelIo;
import dev.harmonics.spark.model.ModelSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Data-parallel training of a Harmonics graph on a {@code Dataset<Row>}, with Spark's own
 * mechanisms: the model is broadcast each round, every task trains on its partition's
 * mini-batches, the results are combined with {@code treeAggregate}, and a failed task is simply
 * run again by Spark. Because each task's result follows from its inputs alone and the combination
 * is an exact sum ({@link ExactSum}), a run with lost executors ends with the same model, bit for
 * bit, as an undisturbed run with the same seed.
 *
 * <p>Each epoch has as many rounds as the largest partition has groups of
 * {@link SparkTrainOptions#syncEvery()} mini-batches. After each epoch a checkpoint is written when
 * {@link SparkTrainOptions#checkpointDir()} is set, and {@link #resume} continues from the latest.
 */
public final class DataParallelTrainer {

  private static final System.Logger LOG = System.getLogger(DataParallelTrainer.class.getName());

  private DataParallelTrainer() {}

  /** One epoch's figures. */
  public record EpochReport(int epoch, int rounds, long batches, double meanLoss, double seconds) {}

  /** The trained model and the epochs that produced it. */
  public record Result(ModelSnapshot model, List<EpochReport> epochs) {}

  /** Trains {@code graph}, freshly initialised from the options' seed. */
  public static Result fit(Dataset<Row> data, HarmonicGraph graph, SparkTrainOptions o) {
    KernelProvider kernels = KernelProviders.get();
    try (CycleRuntime runtime = CycleRuntime.compile(graph, kernels, o.seed());
        Optimizer optimizer = new Optimizer(OptimizerConfig.named(o.optimizer()), 0,
            runtime.parameters(), kernels)) {
      return train(data, ModelSnapshot.capture(runtime, optimizer), 0, o);
    }
  }

  /**
   * Continues from the latest intact checkpoint in the options' checkpoint directory; starts
   * {@code graph} afresh when there is none.
   */
  public static Result resume(Dataset<Row> data, HarmonicGraph graph, SparkTrainOptions o) {
    if (o.checkpointDir() == null) {
      throw new IllegalArgumentException(
          "checkpointDir: null (expected: a directory to resume from)");
    }
    try {
      var latest = SparkCheckpoints.latest(o.checkpointDir(),
          data.sparkSession().sparkContext().hadoopConfiguration());
      if (latest.isEmpty()) {
        return fit(data, graph, o);
      }
      LOG.log(System.Logger.Level.INFO, "resuming after epoch " + latest.get().epoch());
      return train(data, latest.get().model(), latest.get().epoch(), o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result train(Dataset<Row> data, ModelSnapshot start, int doneEpochs,
      SparkTrainOptions o) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    int width = ModelIo.forTraining(start.graph()).width();
    JavaRDD<PartitionData> packed = data.select(col(o.featuresColumn()), col(o.labelColumn()))
        .javaRDD()
        .mapPartitionsWithIndex((index, rows) ->
            Collections.singletonList(PartitionData.pack(index, rows, width)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int maxBatches = packed
          .map(d -> PartitionTrainer.batchesPerEpoch(d.samples(), o.batchSize()))
          .reduce(Math::max);
      if (maxBatches == 0) {
        throw new IllegalArgumentException("data: no rows (expected: at least one sample)");
      }
      int rounds = (maxBatches + o.syncEvery() - 1) / o.syncEvery();
      ModelSnapshot model = start;
      List<EpochReport> reports = new ArrayList<>();
      for (int epoch = doneEpochs; epoch < o.epochs(); epoch++) {
        long began = System.nanoTime();
        long batches = 0;
        double loss = 0;
        for (int round = 0; round < rounds; round++) {
          RoundSum sum = round(sc, packed, model, o, epoch, round);
          batches += sum.batches();
          loss += sum.lossSum();
          model = combine(model, sum, o);
        }
        reports.add(new EpochReport(epoch + 1, rounds, batches, loss / Math.max(1, batches),
            (System.nanoTime() - began) / 1e9));
        if (o.checkpointDir() != null) {
          SparkCheckpoints.write(o.checkpointDir(), epoch + 1, model,
              sc.hadoopConfiguration());
        }
      }
      return new Result(model, reports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      packed.unpersist(false);
    }
  }

  private static RoundSum round(JavaSparkContext sc, JavaRDD<PartitionData> packed,
      ModelSnapshot model, SparkTrainOptions o, int epoch, int round) {
    Broadcast<ModelSnapshot> shared = sc.broadcast(model);
    JavaRDD<RoundResult> results = packed
        .map(d -> PartitionTrainer.run(d, shared.value(), o, epoch, round,
            ExecutorBackends.kernels()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      JavaRDD<RoundResult> trained = results.filter(r -> !r.isEmpty());
      int[] exponents = trained.map(RoundResult::largestExponents)
          .treeReduce(DataParallelTrainer::max);
      int[] lengths = arrayLengths(model, o.mode());
      return results.treeAggregate(new RoundSum(lengths, exponents), RoundSum::add,
          RoundSum::merge);
    } finally {
      results.unpersist(false);
      shared.destroy();
    }
  }

  /** The model after a round: averaged parameters and state, or one step on averaged gradients. */
  private static ModelSnapshot combine(ModelSnapshot model, RoundSum sum, SparkTrainOptions o) {
    int parameters = model.names().length;
    if (o.mode() == SparkTrainOptions.Mode.PARAMETER_AVERAGING) {
      float[][] averaged = sum.dividedBy(sum.terms());
      float[][] values = Arrays.copyOf(averaged, parameters);
      float[][][] state = new float[parameters][][];
      int next = parameters;
      for (int i = 0; i < parameters; i++) {
        int count = model.optimizerState()[i].length;
        state[i] = Arrays.copyOfRange(averaged, next, next + count);
        next += state[i].length;
      }
      return model.with(values, state, sum.steps());
    }
    float[][] meanGradients = sum.dividedBy(sum.batches());
    KernelProvider kernels = KernelProviders.get();
    try (CycleRuntime runtime = model.open(kernels);
        Optimizer optimizer = new Optimizer(OptimizerConfig.named(o.optimizer()), 0,
            runtime.parameters(), kernels)) {
      model.restoreInto(runtime, optimizer);
      List<Parameter> params = runtime.parameters();
      for (int i = 0; i < parameters; i++) {
        params.get(i).grad().copyFrom(meanGradients[i]);
      }
      optimizer.step(o.learningRate());
      return ModelSnapshot.capture(runtime, optimizer);
    }
  }

  /**
   * The lengths of the arrays a task sends back, known from the model itself: the parameters, and
   * for parameter averaging each parameter's optimizer state after them.
   */
  private static int[] arrayLengths(ModelSnapshot model, SparkTrainOptions.Mode mode) {
    IntStream values =
        Arrays.stream(model.values()).mapToInt(v -> v.length);
    if (mode == SparkTrainOptions.Mode.GRADIENT_AVERAGING) {
      return values.toArray();
    }
    return IntStream.concat(values, Arrays
        .stream(model.optimizerState()).flatMap(Arrays::stream)
        .mapToInt(v -> v.length)).toArray();
  }

  private static int[] max(int[] a, int[] b) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.max(a[i], b[i]);
    }
    return out;
  }
}
