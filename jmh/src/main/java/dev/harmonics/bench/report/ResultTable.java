package dev.harmonics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * JMH's JSON results as a table a person reads: benchmark, parameters, rate (GFLOP/s, GB/s or
 * JMH's own unit), error, and how each backend compares with the baselines.
 *
 * <p>Rows of one benchmark whose parameters differ only in {@code backend} are compared: every row
 * that is not itself the baseline gets its ratio to the {@code reference} row and to the {@code
 * openblas} and {@code im2col+openblas} (convolution) rows, when those exist ({@code
 * simd/openblas 0.93x} means simd runs at 93% of OpenBLAS). Native and device backends
 * ({@code native-cpu}, ...) are also compared with the {@code simd} row, the Java kernels they
 * compete with.
 */
public final class ResultTable {

  private static final String BACKEND = "backend";
  /** Backends other rows are compared with, in the order the comparisons are printed. */
  private static final List<String> BASELINES =
      List.of("reference", "openblas", "im2col+openblas");
  /** The Java kernels, a further baseline for backends that are neither Java nor a baseline. */
  private static final String JAVA_BASELINE = "simd";
  private static final String PACKAGE_PREFIX = "dev.harmonics.bench.";
  private static final String THREADS = "threads";
  private static final String COPY_BENCHMARK = PACKAGE_PREFIX + "memory.CopyBenchmark.copy";
  private static final String[] HEADER =
      {"Benchmark", "Params", "Score", "Error", "Unit", "Of peak", "Compared"};
  private static final boolean[] RIGHT_ALIGNED = {false, false, true, true, false, true, false};

  private final List<BenchResult> results;
  private final MachinePeak peak;

  private ResultTable(List<BenchResult> results, MachinePeak peak) {
    this.results = results;
    this.peak = peak;
  }

  /** Reads a JMH result file written with {@code -rf json}. */
  public static ResultTable read(Path json) throws IOException {
    return parse(new ObjectMapper().readTree(json.toFile()));
  }

  /** {@link #parse(JsonNode, MachinePeak)} against this machine's peak. */
  public static ResultTable parse(JsonNode results) {
    return parse(results, MachinePeak.detect());
  }

  /** Reads JMH's JSON result array; rows are sorted by benchmark, each in JMH's param order. */
  static ResultTable parse(JsonNode results, MachinePeak peak) {
    if (!results.isArray()) {
      throw new IllegalArgumentException(
          "JMH results: got a JSON " + results.getNodeType() + " (expected: an array)");
    }
    List<BenchResult> rows = new ArrayList<>();
    results.forEach(r -> rows.add(BenchResult.of(r)));
    rows.sort(Comparator.comparing(BenchResult::benchmark));
    return new ResultTable(List.copyOf(rows), peak);
  }

  /** The rows, sorted as the table shows them. */
  List<BenchResult> results() {
    return results;
  }

  /** The peak the "Of peak" column divides by. */
  MachinePeak peak() {
    return peak;
  }

  /**
   * What a row achieves of the machine's limit: GFLOP/s over the compute peak of the threads it
   * ran on, GB/s over the copy bandwidth measured in the same run on as many threads. NaN when the
   * limit is unknown (no clock, or no copy benchmark in the run).
   */
  double fractionOfPeak(BenchResult row) {
    int threads = threadsOf(row);
    return switch (row.unit()) {
      case "GFLOP/s" -> row.score() / peak.gflops(threads);
      case "GB/s" -> row.score() / copyBandwidth(threads);
      default -> Double.NaN;
    };
  }

  /** What {@link #fractionOfPeak} divides by for this row, in words. */
  static String limitName(BenchResult row) {
    return row.unit().equals("GB/s") ? "of copy" : "of peak";
  }

  /** The copy bandwidth on {@code threads} threads measured in this run, or NaN. */
  double copyBandwidth(int threads) {
    return results.stream()
        .filter(r -> r.benchmark().equals(COPY_BENCHMARK) && r.unit().equals("GB/s"))
        .filter(r -> threadsOf(r) == threads)
        .mapToDouble(BenchResult::score).max().orElse(Double.NaN);
  }

  /** {@code threads=1} ran on one thread; {@code all}, or no such parameter, on every core. */
  private int threadsOf(BenchResult row) {
    String threads = row.params().getOrDefault(THREADS, "all");
    return threads.equals("all") ? peak.cores() : Integer.parseInt(threads);
  }

  /** The lines above the table: the limits the "Of peak" column divides by. */
  public String limits() {
    return "Compute peak: " + peak.describe() + "\n"
        + "Copy bandwidth: " + bandwidth(1) + " on 1 thread, " + bandwidth(peak.cores())
        + " on " + peak.cores() + " (memory.CopyBenchmark, this run)\n";
  }

  private String bandwidth(int threads) {
    double gbs = copyBandwidth(threads);
    return Double.isNaN(gbs) ? "not measured" : number(gbs, decimals(gbs)) + " GB/s";
  }

  /** The benchmark names present, fully qualified. */
  public List<String> benchmarks() {
    return results.stream().map(BenchResult::benchmark).distinct().toList();
  }

  /** The table, one line per result, columns aligned, ending in a newline. */
  public String format() {
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    for (BenchResult r : results) {
      int decimals = decimals(r.score());
      StringJoiner compared = new StringJoiner(", ");
      ratios(r).forEach((baseline, ratio) ->
          compared.add(r.params().get(BACKEND) + "/" + baseline + " " + ratio(ratio)));
      lines.add(new String[] {
          shortName(r.benchmark()),
          formatParams(r.params()),
          number(r.score(), decimals),
          Double.isNaN(r.error()) ? "" : "± " + number(r.error(), decimals),
          r.unit(),
          percent(fractionOfPeak(r), limitName(r)),
          compared.toString()
      });
    }
    return align(lines);
  }

  /**
   * How many times each baseline's rate this row achieves, for every baseline that ran the same
   * benchmark with the same other parameters; empty for baselines and rows without a backend.
   */
  Map<String, Double> ratios(BenchResult row) {
    String backend = row.params().get(BACKEND);
    Map<String, Double> ratios = new LinkedHashMap<>();
    if (backend == null || BASELINES.indexOf(backend) == 0) {
      return ratios;
    }
    String key = comparisonKey(row);
    List<String> baselines = new ArrayList<>(BASELINES);
    if (!BASELINES.contains(backend) && !backend.equals(JAVA_BASELINE)) {
      baselines.add(JAVA_BASELINE);
    }
    for (String baseline : baselines) {
      if (baseline.equals(backend)) {
        continue;
      }
      for (BenchResult other : results) {
        if (baseline.equals(other.params().get(BACKEND)) && other.unit().equals(row.unit())
            && comparisonKey(other).equals(key)) {
          ratios.put(baseline, row.higherIsBetter()
              ? row.score() / other.score() : other.score() / row.score());
        }
      }
    }
    return ratios;
  }

  /** The benchmark and every parameter but the backend: rows with equal keys are comparable. */
  static String comparisonKey(BenchResult r) {
    Map<String, String> rest = new LinkedHashMap<>(r.params());
    rest.remove(BACKEND);
    return r.benchmark() + " " + rest;
  }

  /** The benchmark without the common package prefix, e.g. {@code gemm.GemmBenchmark.multiply}. */
  static String shortName(String benchmark) {
    return benchmark.startsWith(PACKAGE_PREFIX)
        ? benchmark.substring(PACKAGE_PREFIX.length()) : benchmark;
  }

  static String formatParams(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** Three significant digits or more, never scientific notation. */
  private static int decimals(double value) {
    double magnitude = Math.abs(value);
    if (Double.isNaN(magnitude) || magnitude >= 100) {
      return 0;
    }
    if (magnitude >= 10) {
      return 1;
    }
    return magnitude >= 1 ? 2 : 3;
  }

  private static String number(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  private static String percent(double fraction, String of) {
    if (Double.isNaN(fraction) || Double.isInfinite(fraction)) {
      return "";
    }
    return String.format(Locale.ROOT, fraction < 0.1 ? "%.1f%% %s" : "%.0f%% %s",
        fraction * 100, of);
  }

  static String ratio(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%." + decimals(ratio) + "fx", ratio)
        .replace("0.000x", "<0.001x");
  }

  private static String align(List<String[]> lines) {
    int[] widths = new int[HEADER.length];
    for (String[] line : lines) {
      for (int c = 0; c < line.length; c++) {
        widths[c] = Math.max(widths[c], line[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : lines) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < line.length; c++) {
        String cell = line[c];
        String pad = " ".repeat(widths[c] - cell.length());
        text.append(RIGHT_ALIGNED[c] ? pad + cell : cell + pad).append("  ");
      }
      out.append(text.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
