package dev.harmonics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code harmonics bench}: runs the JMH suite of this jar, keeps JMH's JSON and prints a
 * {@link ResultTable}.
 *
 * <p>Quick mode uses short timings and the per-class parameter overrides of {@link QuickSettings},
 * so each class with overrides runs as its own JMH run; the JSON files of the runs are merged into
 * one. The forked benchmark JVMs inherit this JVM's flags, so start it with
 * {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}.
 */
@Command(name = "bench",
    description = "Runs the JMH benchmarks and prints GFLOP/s, GB/s and backend ratios.")
public final class BenchMain implements Callable<Integer> {

  static final String RESULTS_DIR_PROPERTY = "harmonics.bench.dir";
  private static final TimeValue QUICK_TIME = TimeValue.milliseconds(300);
  /** Part of the message of JMH 1.37's RunnerException when another run holds /tmp/jmh.lock. */
  private static final String JMH_LOCK_MESSAGE = "Unable to acquire the JMH lock";
  private static final Duration LOCK_WAIT = Duration.ofMinutes(30);
  private static final Duration LOCK_POLL = Duration.ofSeconds(5);

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--quick",
      description = "Short runs (1 fork, 1 x 300 ms warm-up, 2 x 300 ms measurement, -Xbatch) "
          + "over the parameters of quick.properties: minutes, not hours, and noisier figures.")
  boolean quick;

  @Option(names = "--include", paramLabel = "REGEX",
      description = "Only benchmarks whose name matches (a find, as JMH does). Default: all.")
  String include = ".*";

  @Option(names = "--json", paramLabel = "FILE",
      description = "Where to keep JMH's JSON results. Default: bench-results/jmh-<time>.json")
  Path json;

  @Option(names = "--show", paramLabel = "FILE",
      description = "Print the table of an earlier run's JSON results instead of running.")
  Path show;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write DIR/jmh.json, summary.json, table.txt, PNG charts of ours against "
          + "the references and index.html showing them (with --show: from that file).")
  Path report;

  @Option(names = "--list", description = "List the benchmarks that would run, then stop.")
  boolean list;

  @Parameters(paramLabel = "JMH_OPTION",
      description = "JMH options after --, e.g. -- -wi 2 -i 5 -prof gc; --quick's settings win.")
  List<String> jmhOptions = List.of();

  @Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (show != null) {
      JsonNode earlier = new ObjectMapper().readTree(show.toFile());
      printAndReport(ResultTable.parse(earlier), earlier, out);
      return 0;
    }
    SortedSet<BenchmarkListEntry> selected = BenchmarkList.defaultList().find(
        OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
        List.of(include), List.of());
    if (selected.isEmpty()) {
      err.println("no benchmark matches --include " + include);
      err.flush();
      return 2;
    }
    if (list) {
      selected.stream().map(BenchmarkListEntry::getUsername).distinct().forEach(out::println);
      out.flush();
      return 0;
    }
    Options parent;
    try {
      parent = new CommandLineOptions(jmhOptions.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      err.println("JMH options " + jmhOptions + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    if (!parent.getIncludes().isEmpty()) {
      err.println("benchmark patterns " + parent.getIncludes()
          + " are not JMH options: choose benchmarks with --include REGEX");
      err.flush();
      return 2;
    }
    Path target = json != null ? json : defaultJsonPath();
    ArrayNode results;
    try {
      results = runAll(plan(selected, parent), target);
    } catch (RunnerException e) {
      err.println("JMH could not run: " + e.getMessage());
      err.flush();
      return 1;
    }
    ResultTable table = ResultTable.parse(results);
    out.println();
    printAndReport(table, results, out);
    out.println("JMH results: " + target);
    out.flush();
    return reportMissing(selected, table, err);
  }

  /** Prints the limits and the table, and writes the {@code --report} directory when asked. */
  private void printAndReport(ResultTable table, JsonNode results, PrintWriter out)
      throws IOException {
    out.print(table.limits());
    out.println();
    out.print(table.format());
    out.println();
    if (report != null) {
      List<Path> written = BenchReport.write(report, results, table);
      out.println("Report: " + report.resolve("index.html") + " (" + written.size() + " files)");
    }
    out.flush();
  }

  /** Runs each planned JMH run into its own file, then merges them into {@code target}. */
  private static ArrayNode runAll(List<ChainedOptionsBuilder> runs, Path target)
      throws IOException, RunnerException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode merged = mapper.createArrayNode();
    Files.createDirectories(target.toAbsolutePath().getParent());
    for (ChainedOptionsBuilder run : runs) {
      Path part = Files.createTempFile("harmonics-jmh-", ".json");
      try {
        runWhenJmhIsFree(run.resultFormat(ResultFormatType.JSON).result(part.toString())
            .shouldFailOnError(false).build());
        if (Files.size(part) > 0) {
          mapper.readTree(part.toFile()).forEach(merged::add);
        }
      } finally {
        Files.deleteIfExists(part);
      }
    }
    mapper.writeValue(target.toFile(), merged);
    return merged;
  }

  /**
   * Runs JMH once no other JMH run on this machine holds its lock file, so benchmarks never share
   * the cores with someone else's; gives up after {@link #LOCK_WAIT}.
   */
  private static void runWhenJmhIsFree(Options options) throws RunnerException {
    Instant deadline = Instant.now().plus(LOCK_WAIT);
    boolean said = false;
    while (true) {
      try {
        new Runner(options).run();
        return;
      } catch (RunnerException e) {
        if (!String.valueOf(e.getMessage()).contains(JMH_LOCK_MESSAGE)
            || Instant.now().isAfter(deadline)) {
          throw e;
        }
        if (!said) {
          System.err.println("another JMH run holds its lock; waiting up to "
              + LOCK_WAIT.toMinutes() + " minutes for it to finish");
          said = true;
        }
        try {
          Thread.sleep(LOCK_POLL.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * One run for everything, or in quick mode one run per class that has overrides plus one for
   * the rest. A run names its benchmarks exactly, so overrides never leak into another class.
   */
  private List<ChainedOptionsBuilder> plan(
      SortedSet<BenchmarkListEntry> selected, Options parent) {
    if (!quick) {
      return List.of(new OptionsBuilder().parent(parent).include(include));
    }
    QuickSettings settings = QuickSettings.load();
    Map<String, List<String>> byClass = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    for (BenchmarkListEntry entry : selected) {
      if (settings.paramsFor(entry.getUserClassQName()).isEmpty()) {
        rest.add(entry.getUsername());
      } else {
        byClass.computeIfAbsent(entry.getUserClassQName(), k -> new ArrayList<>())
            .add(entry.getUsername());
      }
    }
    List<ChainedOptionsBuilder> runs = new ArrayList<>();
    byClass.forEach((benchmarkClass, names) -> {
      ChainedOptionsBuilder run = quickRun(names, parent);
      settings.paramsFor(benchmarkClass).forEach(run::param);
      runs.add(run);
    });
    if (!rest.isEmpty()) {
      runs.add(quickRun(rest, parent));
    }
    return runs;
  }

  /**
   * Short timings, and {@code -Xbatch}: a benchmark thread waits for the JIT instead of running on
   * in the interpreter, so a 300 ms warm-up on a busy machine still ends in compiled code (without
   * it, Vector API loops were measured uncompiled, a thousand times too slow).
   */
  private static ChainedOptionsBuilder quickRun(List<String> benchmarks, Options parent) {
    List<String> prepend = new ArrayList<>(List.of("-Xbatch"));
    if (parent.getJvmArgsPrepend().hasValue()) {
      prepend.addAll(parent.getJvmArgsPrepend().get());
    }
    ChainedOptionsBuilder run = new OptionsBuilder().parent(parent)
        .jvmArgsPrepend(prepend.toArray(String[]::new))
        .forks(1)
        .warmupIterations(1).warmupTime(QUICK_TIME)
        .measurementIterations(2).measurementTime(QUICK_TIME);
    new TreeSet<>(benchmarks).forEach(name -> run.include("^" + Pattern.quote(name) + "$"));
    return run;
  }

  /** A benchmark that failed leaves no result; say which, so a partial table is not mistaken. */
  private static int reportMissing(
      SortedSet<BenchmarkListEntry> selected, ResultTable table, PrintWriter err) {
    List<String> missing = selected.stream().map(BenchmarkListEntry::getUsername).distinct()
        .filter(name -> !table.benchmarks().contains(name)).toList();
    if (missing.isEmpty()) {
      return 0;
    }
    err.println("no results for " + missing.size() + " benchmark(s), see the JMH output above:");
    missing.forEach(name -> err.println("  " + name));
    err.flush();
    return 1;
  }

  /** In {@code harmonics.bench.dir} (the launcher sets the checkout's bench-results/), by time. */
  private static Path defaultJsonPath() {
    String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String dir = System.getProperty(RESULTS_DIR_PROPERTY, "bench-results");
    return Path.of(dir, "jmh-" + time + ".json");
  }
}
