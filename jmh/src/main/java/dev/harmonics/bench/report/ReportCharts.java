package dev.harmonics.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The report's PNG charts, drawn with XChart: rates of every backend side by side (GFLOP/s and
 * GB/s, one bar per backend and configuration), each backend's ratio to the native references
 * such as OpenBLAS (1 means "as fast"; speed-ups over the plain-Java reference, tens of times,
 * would flatten that chart and stay in the table), and the fraction of the machine's limit each
 * configuration reaches.
 */
final class ReportCharts {

  private static final String BACKEND = "backend";
  private static final String PLAIN_JAVA_REFERENCE = "reference";
  private static final int HEIGHT = 720;
  private static final int MIN_WIDTH = 900;
  private static final int PIXELS_PER_CATEGORY = 28;

  private ReportCharts() {}

  static List<Path> write(Path dir, ResultTable table) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Path> written = new ArrayList<>();
    for (String unit : List.of("GFLOP/s", "GB/s")) {
      CategoryChart chart = rates(table, unit);
      if (chart != null) {
        written.add(save(chart, dir.resolve(unit.equals("GB/s") ? "bandwidth" : "gflops")));
      }
    }
    CategoryChart ratios = ratios(table);
    if (ratios != null) {
      written.add(save(ratios, dir.resolve("ratios")));
    }
    CategoryChart peak = series(table, "Fraction of the machine's limit (compute peak or copy)",
        "fraction", r -> !Double.isNaN(table.fractionOfPeak(r)), table::fractionOfPeak);
    if (peak != null) {
      written.add(save(peak, dir.resolve("peak")));
    }
    return written;
  }

  private static CategoryChart rates(ResultTable table, String unit) {
    return series(table, "Rate per backend (" + unit + ")", unit,
        r -> r.unit().equals(unit), BenchResult::score);
  }

  /** One series per backend over the configurations that pass {@code include}. */
  private static CategoryChart series(ResultTable table, String title, String yTitle,
      Predicate<BenchResult> include, ToDoubleFunction<BenchResult> value) {
    Set<String> categories = new LinkedHashSet<>();
    Map<String, Map<String, Double>> byBackend = new LinkedHashMap<>();
    for (BenchResult r : table.results()) {
      if (!include.test(r)) {
        continue;
      }
      String category = category(r);
      categories.add(category);
      byBackend.computeIfAbsent(r.params().getOrDefault(BACKEND, "-"), b -> new LinkedHashMap<>())
          .put(category, value.applyAsDouble(r));
    }
    return categories.isEmpty() ? null : chart(title, yTitle, categories, byBackend);
  }

  private static CategoryChart ratios(ResultTable table) {
    Set<String> categories = new LinkedHashSet<>();
    Map<String, Map<String, Double>> byPair = new LinkedHashMap<>();
    for (BenchResult r : table.results()) {
      for (Map.Entry<String, Double> e : table.ratios(r).entrySet()) {
        if (e.getKey().equals(PLAIN_JAVA_REFERENCE)) {
          continue;
        }
        String category = category(r);
        categories.add(category);
        byPair.computeIfAbsent(r.params().get(BACKEND) + "/" + e.getKey(),
            p -> new LinkedHashMap<>()).put(category, e.getValue());
      }
    }
    return categories.isEmpty() ? null
        : chart("Ours against the native references (1 = as fast)", "ratio", categories, byPair);
  }

  private static CategoryChart chart(String title, String yTitle, Set<String> categories,
      Map<String, Map<String, Double>> series) {
    CategoryChart chart = new CategoryChartBuilder()
        .width(Math.max(MIN_WIDTH, categories.size() * PIXELS_PER_CATEGORY * series.size() / 2))
        .height(HEIGHT).title(title).yAxisTitle(yTitle).build();
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setOverlapped(false);
    List<String> xs = List.copyOf(categories);
    series.forEach((name, values) -> {
      List<Double> ys = xs.stream().map(x -> values.get(x)).toList();
      chart.addSeries(name, xs, ys);
    });
    return chart;
  }

  /** The configuration without its backend: benchmark short name and the other parameters. */
  private static String category(BenchResult r) {
    Map<String, String> rest = new LinkedHashMap<>(r.params());
    rest.remove(BACKEND);
    String params = ResultTable.formatParams(rest);
    String name = ResultTable.shortName(r.benchmark());
    return params.isEmpty() ? name : name + " " + params;
  }

  private static Path save(CategoryChart chart, Path withoutExtension) throws IOException {
    BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
    return withoutExtension.resolveSibling(withoutExtension.getFileName() + ".png");
  }
}
