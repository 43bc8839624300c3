package dev.harmonics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code harmonics bench --report DIR} writes: JMH's JSON as it came ({@code jmh.json}), one
 * summary row per result with its rate, its fraction of the machine's limit and its ratios to the
 * baselines ({@code summary.json}), the printed table ({@code table.txt}), the charts of
 * {@link ReportCharts} and an {@code index.html} that shows them together.
 */
final class BenchReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchReport() {}

  /** Writes the report of {@code jmh} into {@code dir}, creating it; returns the files written. */
  static List<Path> write(Path dir, JsonNode jmh, ResultTable table) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    written.add(writeJson(dir.resolve("jmh.json"), jmh));
    written.add(writeJson(dir.resolve("summary.json"), summary(table)));
    Path text = dir.resolve("table.txt");
    Files.writeString(text, table.limits() + "\n" + table.format());
    written.add(text);
    List<Path> charts = ReportCharts.write(dir, table);
    written.addAll(charts);
    Path html = dir.resolve("index.html");
    Files.writeString(html, html(table, charts));
    written.add(html);
    return written;
  }

  /** The machine's limits and one object per row, for tools that compare runs. */
  static JsonNode summary(ResultTable table) {
    ObjectNode root = JSON.createObjectNode();
    MachinePeak peak = table.peak();
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", peak.cores());
    machine.put("floatLanes", peak.floatLanes());
    machine.put("fmaUnits", peak.fmaUnits());
    putNumber(machine, "gigahertz", peak.gigahertz());
    putNumber(machine, "peakGflopsPerCore", peak.gflops(1));
    putNumber(machine, "copyGbsOneThread", table.copyBandwidth(1));
    putNumber(machine, "copyGbsAllThreads", table.copyBandwidth(peak.cores()));
    ArrayNode rows = root.putArray("results");
    for (BenchResult r : table.results()) {
      ObjectNode row = rows.addObject();
      row.put("benchmark", r.benchmark());
      ObjectNode params = row.putObject("params");
      r.params().forEach(params::put);
      putNumber(row, "score", r.score());
      putNumber(row, "error", r.error());
      row.put("unit", r.unit());
      putNumber(row, "fractionOfLimit", table.fractionOfPeak(r));
      row.put("limit", ResultTable.limitName(r).replace("of ", ""));
      ObjectNode ratios = row.putObject("ratios");
      for (Map.Entry<String, Double> e : table.ratios(r).entrySet()) {
        putNumber(ratios, e.getKey(), e.getValue());
      }
    }
    return root;
  }

  /** JSON has no NaN: an unknown figure is written as null. */
  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static Path writeJson(Path file, JsonNode node) throws IOException {
    JSON.writeValue(file.toFile(), node);
    return file;
  }

  private static String html(ResultTable table, List<Path> charts) {
    StringBuilder out = new StringBuilder("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Harmonics benchmarks</title>
        <style>body{font-family:sans-serif;margin:2em}pre{font-size:12px}img{max-width:100%}</style>
        </head><body><h1>Harmonics benchmarks</h1>
        """);
    out.append("<pre>").append(escape(table.limits())).append("</pre>\n");
    for (Path chart : charts) {
      String name = chart.getFileName().toString();
      out.append("<h2>").append(escape(name)).append("</h2><img src=\"").append(escape(name))
          .append("\" alt=\"").append(escape(name)).append("\">\n");
    }
    out.append("<h2>All results</h2><pre>").append(escape(table.format())).append("</pre>\n");
    return out.append("</body></html>\n").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
