package dev.harmonics.spark.train;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.partition.PartitionedGraph;
import dev.harmonics.partition.Partitioner;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.optim.OptimizerConfig;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.schedule.PipelineOptions;
import dev.harmonics.schedule.RemoteScheduler;
import dev.harmonics.secure.ProofChain;
import dev.harmonics.secure.ProofVerifier;
import dev.harmonics.spark.backend.ExecutorBackends;
import dev.harmonics.spark.model.ModelIo;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.Transport;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Function1;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

import static org.apache.spark.sql.functions.col;

/**
 * Layer-split (pipeline) training on Spark, and its hybrid with data parallelism: the graph is cut
 * into {@link SparkPipelineOptions#stages()} partitions, each run by one barrier task; the tasks of
 * a pipeline exchange {@code host:port} with {@link BarrierTaskContext#allGather} and join their
 * boundaries with the {@link RemoteScheduler}'s TCP transport. Each data partition of the input
 * gets its own pipeline (a replica); after every {@link SparkPipelineOptions#syncEvery()} steps the
 * replicas' parameters are averaged with the same exact sum as {@link DataParallelTrainer}, so the
 * result does not depend on the order results arrive in.
 *
 * <p>A round is one barrier job of {@code replicas * stages} tasks, which Spark starts together
 * or not at all (the cluster needs that many free task slots) and retries together when one fails.
 * In secure mode every boundary tensor travels with a chained proof its receiver checks, and each
 * stage proves the parameters it returns; the driver verifies those proofs before using them.
 *
 * <p>The optimizer is plain SGD: it keeps no state, so restarting the pipelines every round
 * changes nothing, and one replica trains exactly like the whole graph with gradient accumulation
 * over the same micro-batches.
 */
public final class PipelineTrainer {

  private static final System.Logger LOG = System.getLogger(PipelineTrainer.class.getName());
  private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(60);

  private PipelineTrainer() {}

  /** The trained model, the mean loss of each epoch and what the driver verified. */
  public record Result(ModelSnapshot model, List<Double> epochLosses, int verifiedProofs,
      List<String> received) {}

  /**
   * Trains {@code graph}, initialised from the options' seed, on {@code data}'s
   * {@code featuresColumn} (float array) and {@code labelColumn} (class index), one pipeline per
   * data partition.
   *
   * @throws SecurityException in secure mode, when a stage's proofs do not match its results
   */
  public static Result fit(Dataset<Row> data, String featuresColumn, String labelColumn,
      HarmonicGraph graph, SparkPipelineOptions o) {
    ModelSnapshot model;
    try (CycleRuntime runtime = CycleRuntime.compile(graph, ExecutorBackends.kernels(), o.seed())) {
      model = ModelSnapshot.capture(runtime, null);
    }
    // cut once here so a graph that cannot be split fails on the driver, not in every task
    Partitioner.partitionGraph(graph, o.stages());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    int width = ModelIo.forTraining(graph).width();
    int replicas = data.rdd().getNumPartitions();
    int stages = o.stages();
    JavaRDD<PartitionData> tasks = data.select(col(featuresColumn), col(labelColumn)).javaRDD()
        .mapPartitionsWithIndex((index, rows) ->
            Collections.singletonList(PartitionData.pack(index, rows, width)).iterator(), true)
        .flatMapToPair(d -> {
          List<Tuple2<Integer, PartitionData>> copies = new ArrayList<>();
          for (int s = 0; s < stages; s++) {
            copies.add(new Tuple2<>(d.partition() * stages + s, d));
          }
          return copies.iterator();
        })
        .partitionBy(new HashPartitioner(replicas * stages))
        .values()
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int steps = tasks.map(d -> d.samples() / o.batchSize()).reduce(Math::max);
      if (steps == 0) {
        throw new IllegalArgumentException("data: no partition holds a full batch of "
            + o.batchSize() + " samples (expected: at least one)");
      }
      int rounds = (steps + o.syncEvery() - 1) / o.syncEvery();
      List<Double> losses = new ArrayList<>();
      List<String> received = new ArrayList<>();
      int verified = 0;
      for (int epoch = 0; epoch < o.epochs(); epoch++) {
        double lossSum = 0;
        long stepCount = 0;
        for (int round = 0; round < rounds; round++) {
          List<StageResult> results = round(sc, tasks, model, o, epoch, round);
          for (StageResult r : results) {
            if (o.secure()) {
              verify(r);
              verified += r.proofs().size();
              received.addAll(r.received());
            }
            lossSum += r.lossSum();
            if (r.stage() == stages - 1) {
              stepCount += r.steps();
            }
          }
          model = average(model, results);
        }
        losses.add(stepCount == 0 ? Double.NaN : lossSum / stepCount);
        LOG.log(System.Logger.Level.INFO, "pipeline epoch " + (epoch + 1) + ": loss "
            + losses.getLast());
      }
      return new Result(model, losses, verified, received);
    } finally {
      tasks.unpersist(false);
    }
  }

  private static List<StageResult> round(JavaSparkContext sc, JavaRDD<PartitionData> tasks,
      ModelSnapshot model, SparkPipelineOptions o, int epoch, int round) {
    Broadcast<ModelSnapshot> shared = sc.broadcast(model);
    try {
      Function1<scala.collection.Iterator<PartitionData>, scala.collection.Iterator<StageResult>>
          body = (Function1<scala.collection.Iterator<PartitionData>,
              scala.collection.Iterator<StageResult>> & Serializable) it ->
              CollectionConverters.asScala(List.of(runStage(it.next(), shared.value(), o, epoch,
                  round)).iterator());
      return new JavaRDD<>(tasks.rdd().barrier().mapPartitions(body, false,
          ClassTag$.MODULE$.apply(StageResult.class)), ClassTag$.MODULE$.apply(StageResult.class))
          .collect();
    } finally {
      shared.destroy();
    }
  }

  /** One barrier task: stage {@code t % stages} of replica {@code t / stages}. */
  private static StageResult runStage(PartitionData data, ModelSnapshot model,
      SparkPipelineOptions o, int epoch, int round) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int stage = context.partitionId() % o.stages();
    int replica = context.partitionId() / o.stages();
    PartitionedGraph cut = Partitioner.partitionGraph(model.graph(), o.stages());
    int port = stage == 0 ? 0 : freePort();
    String host = SparkEnv.get().blockManager().blockManagerId().host();
    String[] addresses = context.allGather(host + ":" + port);
    RemoteBinding listen = stage == 0 ? null
        : RemoteBinding.of(cut.partition(stage).input().name(), host, port, Transport.TCP);
    RemoteBinding connect = null;
    if (stage < o.stages() - 1) {
      String next = addresses[context.partitionId() + 1];
      int colon = next.lastIndexOf(':');
      connect = RemoteBinding.of(cut.partition(stage).output().name(), next.substring(0, colon),
          Integer.parseInt(next.substring(colon + 1)), Transport.TCP);
    }
    PipelineOptions pipeline = PipelineOptions.defaults().withMicroBatches(o.microBatches())
        .withReceiveTimeout(RECEIVE_TIMEOUT)
        .withTraining(training(o));
    KernelProvider kernels = ExecutorBackends.kernels();
    int batches = data.samples() / o.batchSize();
    int first = round * o.syncEvery();
    int last = Math.min(batches, first + o.syncEvery());
    double lossSum = 0;
    try (RemoteScheduler scheduler = RemoteScheduler.start(cut, stage, kernels, o.seed(),
        pipeline, listen, connect, LinkPolicy.DEFAULT, o.secure())) {
      restore(scheduler.runtime(), model);
      scheduler.recordReceived(o.secure());
      ModelIo feeds = ModelIo.forTraining(cut.whole());
      int[] order = PartitionTrainer.order(data.samples(), o.seed(), epoch, replica);
      for (int b = first; b < last; b++) {
        int from = b * o.batchSize();
        try (Tensor x = PartitionTrainer.features(data, order, from, from + o.batchSize(),
            feeds.inputShape());
            Tensor y = PartitionTrainer.labels(data, order, from, from + o.batchSize())) {
          lossSum += scheduler.step(Map.of(feeds.input(), x, feeds.target(), y)).loss();
        }
      }
      // nobody closes a link while a neighbour may still read the last gradients from it
      context.barrier();
      return result(replica, stage, scheduler, o.secure(), lossSum, Math.max(0, last - first));
    }
  }

  /** Plain SGD without momentum: nothing to carry from one round's pipelines to the next. */
  static FitOptions training(SparkPipelineOptions o) {
    return FitOptions.defaults().withOptimizer(new OptimizerConfig.Sgd(0, false))
        .withLearningRate(o.learningRate());
  }

  private static StageResult result(int replica, int stage, RemoteScheduler scheduler,
      boolean secure, double lossSum, int steps) {
    List<Parameter> parameters = scheduler.runtime().parameters();
    String[] names = new String[parameters.size()];
    float[][] values = new float[names.length][];
    ProofChain chain = ProofChain.start();
    for (int i = 0; i < names.length; i++) {
      names[i] = parameters.get(i).name();
      values[i] = parameters.get(i).value().toFloatArray();
      if (secure) {
        // proven as the flat array the driver receives, so it can check what it holds
        try (Tensor flat = Tensor.of(values[i], values[i].length)) {
          chain.append(flat);
        }
      }
    }
    return new StageResult(replica, stage, names, values,
        secure ? List.copyOf(chain.history()) : List.of(),
        secure ? scheduler.received() : List.of(), lossSum, steps);
  }

  private static void restore(CycleRuntime runtime, ModelSnapshot model) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < model.names().length; i++) {
      index.put(model.names()[i], i);
    }
    for (Parameter p : runtime.parameters()) {
      p.value().copyFrom(model.values()[index.get(p.name())]);
      p.markChanged();
    }
  }

  /** Checks a stage's proof chain against the values it sent. */
  private static void verify(StageResult r) {
    List<List<Tensor>> recorded = new ArrayList<>();
    try {
      for (float[] v : r.values()) {
        recorded.add(List.of(Tensor.of(v, v.length)));
      }
      var verification = ProofVerifier.verify(ProofChain.genesis(), r.proofs(), recorded);
      if (!verification.valid()) {
        throw new SecurityException("replica " + r.replica() + ", stage " + r.stage()
            + ": returned parameters do not match their proofs (" + verification.reason() + ")");
      }
    } finally {
      recorded.forEach(l -> l.forEach(Tensor::close));
    }
  }

  /** Every parameter as the exact mean over the replicas that hold it. */
  private static ModelSnapshot average(ModelSnapshot model, List<StageResult> results) {
    Map<String, List<float[]>> byName = new HashMap<>();
    for (StageResult r : results) {
      for (int i = 0; i < r.names().length; i++) {
        byName.computeIfAbsent(r.names()[i], k -> new ArrayList<>()).add(r.values()[i]);
      }
    }
    float[][] values = new float[model.names().length][];
    for (int i = 0; i < values.length; i++) {
      List<float[]> copies = byName.get(model.names()[i]);
      int exponent = copies.stream().mapToInt(ExactSum::largestExponent).max().orElseThrow();
      ExactSum sum = new ExactSum(copies.getFirst().length, exponent);
      copies.forEach(sum::add);
      values[i] = sum.dividedBy(copies.size());
    }
    return model.with(values, model.optimizerState(), 0);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
