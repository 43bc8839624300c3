package dev.harmonics.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmonics.data.Batch;
import dev.harmonics.data.FashionMnist;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.StandardizedSet;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.spark.model.ModelSnapshot;
import dev.harmonics.spark.train.DataParallelTrainer;
import dev.harmonics.spark.train.SparkTrainOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harmonics train --spark MASTER ...}: the Fashion-MNIST examples trained through Spark
 * ({@code local[N]} or a {@code spark://} standalone master) with {@link DataParallelTrainer},
 * reporting the figures in-process training reports: test accuracy, time, samples per second.
 */
@Command(name = "train", description = "Trains a graph on Fashion-MNIST through Spark.")
public final class SparkTrainCommand implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--spark", required = true, paramLabel = "MASTER",
      description = "local[N] or spark://HOST:PORT")
  String master;

  @Option(names = "--dataset", required = true, paramLabel = "NAME",
      description = "fashion-mnist")
  String dataset;

  @Option(names = "--model", required = true, paramLabel = "mlp|cnn|FILE.harp")
  String model;

  @Option(names = "--epochs", defaultValue = "5")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", description = "Mini-batch size in each task.")
  int batch;

  @Option(names = "--lr", defaultValue = "0.001")
  double lr;

  @Option(names = "--optimizer", defaultValue = "adam")
  String optimizer;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(names = "--mode", defaultValue = "parameter-averaging",
      description = "parameter-averaging or gradient-averaging")
  String mode;

  @Option(names = "--sync-every", defaultValue = "100",
      description = "Mini-batches each task runs between two combinations.")
  int syncEvery;

  @Option(names = "--partitions", defaultValue = "2", description = "Data partitions (tasks).")
  int partitions;

  @Option(names = "--checkpoint-dir", paramLabel = "URI",
      description = "Hadoop-compatible directory for one checkpoint per epoch.")
  String checkpointDir;

  @Option(names = "--resume", description = "Continue from the latest checkpoint there.")
  boolean resume;

  @Option(names = "--executor-memory", defaultValue = "2g")
  String executorMemory;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SparkTrainCommand()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!dataset.equalsIgnoreCase("fashion-mnist")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--dataset " + dataset + " (expected: fashion-mnist)");
    }
    if (!FashionMnist.installed()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Fashion-MNIST is not in "
          + FashionMnist.directory() + "; install it with: apt-get install -y "
          + FashionMnist.PACKAGE);
    }
    HarmonicGraph graph = HarpParser.parse(modelFile());
    SampleSet raw = FashionMnist.load(FashionMnist.Split.TRAIN);
    float[] stats = StandardizedSet.statistics(raw);
    SampleSet train = StandardizedSet.of(raw, stats);
    SampleSet test = StandardizedSet.of(FashionMnist.load(FashionMnist.Split.TEST), stats);
    SparkSession.Builder builder = SparkSession.builder().appName("harmonics-train")
        .master(master).config("spark.executor.memory", executorMemory)
        .config("spark.executor.extraJavaOptions", "-Dharmonics.threads=1");
    String jars = System.getProperty("harmonics.spark.jars", "");
    if (!jars.isBlank()) {
      builder.config("spark.jars", jars);
    }
    try (SparkSession spark = builder.getOrCreate()) {
      spark.sparkContext().setLogLevel("WARN");
      Dataset<Row> rows = spark.createDataFrame(rows(train), schema())
          .repartition(partitions).cache();
      rows.count();
      SparkTrainOptions options = SparkTrainOptions.defaults("features", "label")
          .withEpochs(epochs).withBatchSize(batch).withOptimizer(optimizer, lr).withSeed(seed)
          .withMode(mode.equalsIgnoreCase("gradient-averaging")
              ? SparkTrainOptions.Mode.GRADIENT_AVERAGING
              : SparkTrainOptions.Mode.PARAMETER_AVERAGING, syncEvery)
          .withCheckpointDir(checkpointDir);
      long began = System.nanoTime();
      DataParallelTrainer.Result result = resume
          ? DataParallelTrainer.resume(rows, graph, options)
          : DataParallelTrainer.fit(rows, graph, options);
      double seconds = (System.nanoTime() - began) / 1e9;
      for (DataParallelTrainer.EpochReport e : result.epochs()) {
        out.printf(Locale.ROOT, "epoch %d: %d rounds, %d mini-batches, loss %.4f, %.1f s%n",
            e.epoch(), e.rounds(), e.batches(), e.meanLoss(), e.seconds());
      }
      double accuracy = accuracy(result.model(), test);
      long samples = (long) train.size() * result.epochs().size();
      out.printf(Locale.ROOT, "test accuracy %.4f, %.1f s, %.0f samples/s (%s, %d partitions)%n",
          accuracy, seconds, samples / seconds, master, partitions);
      if (json != null) {
        writeJson(result, accuracy, seconds, samples);
      }
      out.flush();
    }
    return 0;
  }

  private Path modelFile() {
    Path home = Path.of(System.getProperty("harmonics.home", "."));
    return switch (model) {
      case "mlp" -> home.resolve("examples/fashion_mlp.harp");
      case "cnn" -> home.resolve("examples/fashion_cnn.harp");
      default -> Path.of(model);
    };
  }

  private static StructType schema() {
    return new StructType()
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("label", DataTypes.IntegerType, false);
  }

  private static List<Row> rows(SampleSet set) {
    List<Row> rows = new ArrayList<>(set.size());
    for (int i = 0; i < set.size(); i++) {
      float[] features = new float[set.spec().featureSize()];
      set.copyFeatures(i, features, 0);
      rows.add(RowFactory.create(features, set.label(i)));
    }
    return rows;
  }

  /** Test accuracy on the driver, evaluated as in-process training evaluates it. */
  private static double accuracy(ModelSnapshot model, SampleSet test) {
    try (CycleRuntime runtime = model.open(KernelProviders.get());
        Producer<Batch> batches = Producers.batch(Producers.sequential(test), 500, false)) {
      return runtime.evaluate(batches).accuracy();
    }
  }

  private void writeJson(DataParallelTrainer.Result result, double accuracy, double seconds,
      long samples) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("master", master);
    root.put("model", model);
    root.put("partitions", partitions);
    root.put("mode", mode);
    root.put("syncEvery", syncEvery);
    root.put("testAccuracy", accuracy);
    root.put("seconds", seconds);
    root.put("samplesPerSecond", samples / seconds);
    ArrayNode epochsNode = root.putArray("epochs");
    for (DataParallelTrainer.EpochReport e : result.epochs()) {
      epochsNode.addObject().put("epoch", e.epoch()).put("seconds", e.seconds())
          .put("loss", e.meanLoss()).put("rounds", e.rounds());
    }
    if (json.toAbsolutePath().getParent() != null) {
      Files.createDirectories(json.toAbsolutePath().getParent());
    }
    mapper.writeValue(json.toFile(), root);
  }
}
