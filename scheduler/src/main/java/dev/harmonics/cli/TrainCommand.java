package dev.harmonics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.data.Batch;
import dev.harmonics.data.FashionMnist;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.StandardizedSet;
import dev.harmonics.graph.GraphException;
import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.runtime.CycleRuntime;
import dev.harmonics.runtime.Evaluation;
import dev.harmonics.runtime.FitListener;
import dev.harmonics.runtime.FitOptions;
import dev.harmonics.runtime.FitReport;
import dev.harmonics.runtime.PrecisionPolicy;
import dev.harmonics.runtime.TrainingDivergedException;
import dev.harmonics.runtime.optim.LearningRateSchedule;
import dev.harmonics.runtime.optim.OptimizerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harmonics train}: trains a HARP graph on Fashion-MNIST, evaluates it on the test split
 * after every epoch and reports accuracy, time and throughput (also as JSON).
 */
@Command(name = "train",
    description = "Trains a graph on a data set and reports test accuracy, time and samples/s.")
public final class TrainCommand implements Callable<Integer> {

  /** Where the launcher says the project lives, to find examples/ from any directory. */
  static final String HOME_PROPERTY = "harmonics.home";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--dataset", required = true, paramLabel = "NAME",
      description = "The data set: fashion-mnist.")
  String dataset;

  @Option(names = "--model", required = true, paramLabel = "mlp|cnn|FILE.harp",
      description = "mlp (examples/fashion_mlp.harp), cnn (examples/fashion_cnn.harp) or a .harp"
          + " file.")
  String model;

  @Option(names = "--epochs", defaultValue = "5",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--backend", defaultValue = "simd",
      description = "Kernel backend: simd (the default: the fastest for training on a CPU),"
          + " reference, auto (what this JVM chooses by default), or another id that"
          + " harmonics info lists.")
  String backend;

  @Option(names = "--lr", defaultValue = "0.001",
      description = "Base learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--optimizer", defaultValue = "adam",
      description = "sgd, adam, adamw, rmsprop or lamb (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--weight-decay", defaultValue = "0",
      description = "Weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--lr-decay", defaultValue = "1",
      description = "Multiply the learning rate by this every epoch, never below a tenth of it"
          + " (default: ${DEFAULT-VALUE}, constant).")
  double lrDecay;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the weights, shuffling and dropout (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--target", defaultValue = "0",
      description = "Report the training time until test accuracy first reaches this.")
  double target;

  @Option(names = "--precision-bits", defaultValue = "32",
      description = "Evaluate with weights (and dense activations) quantised to this many bits;"
          + " 8 runs dense layers on the int8 kernels (default: ${DEFAULT-VALUE}, float32).")
  int precisionBits;

  @Option(names = "--checkpoint", paramLabel = "FILE",
      description = "Save a checkpoint here after every epoch.")
  Path checkpoint;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "Resume from this checkpoint (same graph) before training.")
  Path resume;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "bar|lines|auto",
      description = "A progress bar, plain lines, or auto: a bar in a terminal, lines elsewhere"
          + " (default: ${DEFAULT-VALUE}).")
  String progress;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Shift and scale pixels to mean 0 and deviation 1, measured on the training"
          + " split (default: on; --no-standardize keeps [0, 1]).")
  boolean standardize;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the IDX files are (default: " + FashionMnist.DEFAULT_DIRECTORY + ").")
  Path dataDirectory;

  @Spec
  CommandSpec spec;

  private double loadAtStart;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return train(out);
    } catch (UsageException | GraphException | TrainingDivergedException e) {
      err.println("harmonics train: " + e.getMessage());
      err.flush();
      return 1;
    } catch (NoSuchFileException e) {
      err.println("harmonics train: " + e.getFile() + ": "
          + (e.getReason() != null ? e.getReason() : "no such file"));
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println("harmonics train: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** The system load average, or -1 where the platform has none: the machine's busyness. */
  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage();
  }

  private int train(PrintWriter out) throws IOException {
    loadAtStart = loadAverage();
    if (!dataset.equalsIgnoreCase("fashion-mnist")) {
      throw new UsageException("--dataset " + dataset + " (expected: fashion-mnist)");
    }
    if (epochs < 0 || batch < 1) {
      throw new UsageException("--epochs " + epochs + " --batch " + batch
          + " (expected: epochs >= 0, batch >= 1)");
    }
    boolean showBar = bar();
    Path graphFile = modelFile();
    HarmonicGraph graph = HarpParser.parse(graphFile);
    KernelProvider kernels = kernels();
    Path directory = dataDirectory != null ? dataDirectory : FashionMnist.directory();
    SampleSet train = FashionMnist.load(directory, FashionMnist.Split.TRAIN);
    SampleSet test = FashionMnist.load(directory, FashionMnist.Split.TEST);
    if (standardize) {
      float[] statistics = StandardizedSet.statistics(train);
      train = StandardizedSet.of(train, statistics);
      test = StandardizedSet.of(test, statistics);
    }
    out.printf(Locale.ROOT, "harmonics train: %s (%s, %,d parameters) on Fashion-MNIST"
        + " (%,d train, %,d test), %s, %d kernel threads, batch %d, seed %d%n", graph.name(),
        graphFile, graph.parameterCount(), train.size(), test.size(), kernels.description(),
        KernelPool.shared().parallelism(), batch, seed);
    try (CycleRuntime runtime = CycleRuntime.compile(graph, kernels, seed);
        Producer<Batch> trainData = Producers.prefetch(
            Producers.batch(Producers.shuffled(train, seed), batch, false), 4);
        Producer<Batch> testData = Producers.batch(Producers.sequential(test), 500, false)) {
      runtime.bindProducer(trainData);
      if (resume != null) {
        runtime.loadCheckpoint(resume);
        out.printf(Locale.ROOT, "resumed from %s at epoch %d, step %d%n", resume,
            runtime.epoch(), runtime.step());
      }
      if (precisionBits != 32) {
        runtime.setPrecision(new PrecisionPolicy.MaxBits(precisionBits));
      }
      List<Double> accuracies = new ArrayList<>();
      double[] timeToTarget = {Double.NaN};
      double[] trainingSeconds = {0};
      ProgressPrinter printer = new ProgressPrinter(out, runtime.epoch(), epochs, showBar);
      FitListener listener = new FitListener() {
        @Override
        public void onUpdate(StepProgress p) {
          printer.onUpdate(p);
        }

        @Override
        public void onEpoch(EpochProgress p) {
          printer.onEpoch(p);
          trainingSeconds[0] += p.seconds();
          accuracies.add(p.validation().accuracy());
          if (target > 0 && Double.isNaN(timeToTarget[0])
              && p.validation().accuracy() >= target) {
            timeToTarget[0] = trainingSeconds[0];
          }
          saveCheckpoint(runtime, out);
        }
      };
      FitOptions options = FitOptions.defaults().withLearningRate(learningRate)
          .withOptimizer(OptimizerConfig.named(optimizer)).withWeightDecay(weightDecay)
          .withSchedule(lrDecay == 1 ? LearningRateSchedule.constant()
              : new LearningRateSchedule.ExponentialDecay(lrDecay, learningRate / 10))
          .withValidation(testData).withListener(listener);
      FitReport report = runtime.fit(epochs, options);
      Evaluation last = runtime.evaluate(testData);
      printSummary(out, report, last, timeToTarget[0], trainingSeconds[0]);
      if (json != null) {
        writeJson(graph, graphFile, kernels, report, last, accuracies, timeToTarget[0],
            trainingSeconds[0]);
        out.println("wrote " + json);
      }
    }
    return 0;
  }

  private void saveCheckpoint(CycleRuntime runtime, PrintWriter out) {
    if (checkpoint == null) {
      return;
    }
    try {
      runtime.saveCheckpoint(checkpoint);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.println("saved checkpoint " + checkpoint);
  }

  private void printSummary(PrintWriter out, FitReport report, Evaluation last,
      double toTarget, double trainingSeconds) {
    out.printf(Locale.ROOT, "test accuracy %.4f (test loss %.4f, %d samples, precision %s)%n",
        last.accuracy(), last.loss(), last.samples(), precisionBits == 32 ? "float32"
            : precisionBits + " bits");
    out.printf(Locale.ROOT, "training time %.1fs (%.1fs with evaluation), %,.0f samples/s"
        + " (load average %.1f at start, %.1f at end, %d cores)%n", trainingSeconds,
        report.seconds(), report.samples() / trainingSeconds, loadAtStart, loadAverage(),
        Runtime.getRuntime().availableProcessors());
    if (target > 0) {
      out.println(Double.isNaN(toTarget)
          ? String.format(Locale.ROOT, "test accuracy %.2f not reached", target)
          : String.format(Locale.ROOT, "time to %.2f test accuracy: %.1fs of training", target,
              toTarget));
    }
    out.flush();
  }

  private void writeJson(HarmonicGraph graph, Path graphFile, KernelProvider kernels,
      FitReport report, Evaluation last, List<Double> accuracies, double toTarget,
      double trainingSeconds) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("finishedAt", java.time.Instant.now().toString());
    root.put("loadAverageAtStart", loadAtStart);
    root.put("loadAverageAtEnd", loadAverage());
    root.put("graph", graph.name());
    root.put("model", graphFile.toString());
    root.put("parameters", graph.parameterCount());
    root.put("dataset", "fashion-mnist");
    root.put("backend", kernels.description());
    root.put("threads", KernelPool.shared().parallelism());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("epochs", report.epochs().size());
    root.put("batch", batch);
    root.put("optimizer", optimizer);
    root.put("learningRate", learningRate);
    root.put("seed", seed);
    root.put("precisionBits", precisionBits);
    root.put("testAccuracy", last.accuracy());
    root.put("testLoss", last.loss());
    root.put("testAccuracyByEpoch", accuracies);
    root.put("trainLossByEpoch", report.epochs().stream()
        .map(FitListener.EpochProgress::trainingLoss).toList());
    root.put("trainingSeconds", trainingSeconds);
    root.put("secondsWithEvaluation", report.seconds());
    root.put("samplesPerSecond", report.samples() / trainingSeconds);
    root.put("evaluationSamplesPerSecond", last.samples() / last.seconds());
    if (target > 0) {
      root.put("target", target);
      root.put("secondsToTarget", Double.isNaN(toTarget) ? null : toTarget);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(Files.newBufferedWriter(json), root);
  }

  private boolean bar() {
    return switch (progress) {
      case "bar" -> true;
      case "lines" -> false;
      case "auto" -> ProgressPrinter.interactive();
      default -> throw new UsageException("--progress " + progress
          + " (expected: bar, lines or auto)");
    };
  }

  private Path modelFile() {
    String example = switch (model) {
      case "mlp" -> "fashion_mlp.harp";
      case "cnn" -> "fashion_cnn.harp";
      default -> null;
    };
    if (example == null) {
      return Path.of(model);
    }
    Path home = Path.of(System.getProperty(HOME_PROPERTY, "."));
    Path file = home.resolve("examples").resolve(example);
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--model " + model + ": " + file + " not found (run from the"
          + " project directory or through ./harmonics)");
    }
    return file;
  }

  private KernelProvider kernels() {
    try {
      return backend.equalsIgnoreCase("auto") ? KernelProviders.get()
          : KernelProviders.of(Backend.fromId(backend));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      throw new UsageException("--backend " + backend + ": " + e.getMessage());
    }
  }

  /** A bad option value, reported as one line. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
