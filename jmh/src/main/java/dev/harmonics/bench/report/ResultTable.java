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
 * openblas} row, when those exist ({@code simd/openblas 0.93x} means simd runs at 93% of OpenBLAS).
 * Native and device backends ({@code native-cpu}, ...) are also compared with the {@code simd} row,
 * the Java kernels they compete with.
 */
public final class ResultTable {

  private static final String BACKEND = "backend";
  /** Backends other rows are compared with, in the order the comparisons are printed. */
  private static final List<String> BASELINES = List.of("reference", "openblas");
  /** The Java kernels, a further baseline for backends that are neither Java nor a baseline. */
  private static final String JAVA_BASELINE = "simd";
  private static final String PACKAGE_PREFIX = "dev.harmonics.bench.";
  private static final String[] HEADER =
      {"Benchmark", "Params", "Score", "Error", "Unit", "Compared"};
  private static final boolean[] RIGHT_ALIGNED = {false, false, true, true, false, false};

  private final List<BenchResult> results;

  private ResultTable(List<BenchResult> results) {
    this.results = results;
  }

  /** Reads a JMH result file written with {@code -rf json}. */
  public static ResultTable read(Path json) throws IOException {
    return parse(new ObjectMapper().readTree(json.toFile()));
  }

  /** Reads JMH's JSON result array; rows are sorted by benchmark, each in JMH's param order. */
  public static ResultTable parse(JsonNode results) {
    if (!results.isArray()) {
      throw new IllegalArgumentException(
          "JMH results: got a JSON " + results.getNodeType() + " (expected: an array)");
    }
    List<BenchResult> rows = new ArrayList<>();
    results.forEach(r -> rows.add(BenchResult.of(r)));
    rows.sort(Comparator.comparing(BenchResult::benchmark));
    return new ResultTable(List.copyOf(rows));
  }

  /** The benchmark names present, fully qualified. */
  public List<String> benchmarks() {
    return results.stream().map(BenchResult::benchmark).distinct().toList();
  }

  /** The table, one line per result, columns aligned, ending in a newline. */
  public String format() {
    Map<String, List<BenchResult>> groups = results.stream()
        .collect(Collectors.groupingBy(ResultTable::comparisonKey, LinkedHashMap::new,
            Collectors.toList()));
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    for (BenchResult r : results) {
      int decimals = decimals(r.score());
      lines.add(new String[] {
          shortName(r.benchmark()),
          formatParams(r.params()),
          number(r.score(), decimals),
          Double.isNaN(r.error()) ? "" : "± " + number(r.error(), decimals),
          r.unit(),
          comparisons(r, groups.get(comparisonKey(r)))
      });
    }
    return align(lines);
  }

  /** The benchmark and every parameter but the backend: rows with equal keys are comparable. */
  private static String comparisonKey(BenchResult r) {
    Map<String, String> rest = new LinkedHashMap<>(r.params());
    rest.remove(BACKEND);
    return r.benchmark() + " " + rest;
  }

  private static String comparisons(BenchResult row, List<BenchResult> group) {
    String backend = row.params().get(BACKEND);
    if (backend == null || BASELINES.indexOf(backend) == 0) {
      return "";
    }
    StringJoiner out = new StringJoiner(", ");
    List<String> baselines = new ArrayList<>(BASELINES);
    if (!BASELINES.contains(backend) && !backend.equals(JAVA_BASELINE)) {
      baselines.add(JAVA_BASELINE);
    }
    for (String baseline : baselines) {
      if (baseline.equals(backend)) {
        continue;
      }
      for (BenchResult other : group) {
        if (baseline.equals(other.params().get(BACKEND)) && other.unit().equals(row.unit())) {
          double ratio = row.higherIsBetter()
              ? row.score() / other.score() : other.score() / row.score();
          out.add(backend + "/" + baseline + " " + ratio(ratio));
        }
      }
    }
    return out.toString();
  }

  private static String shortName(String benchmark) {
    return benchmark.startsWith(PACKAGE_PREFIX)
        ? benchmark.substring(PACKAGE_PREFIX.length()) : benchmark;
  }

  private static String formatParams(Map<String, String> params) {
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

  private static String ratio(double ratio) {
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
