package dev.harmonics.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JMH result, reduced to what the table shows: the benchmark, its parameters and one rate.
 *
 * <p>The rate is the {@code flops} secondary metric in GFLOP/s when the benchmark counted flops,
 * else {@code bytes} in GB/s, else JMH's primary score (these are the counters of
 * {@link dev.harmonics.bench.Work}).
 */
record BenchResult(
    String benchmark, Map<String, String> params, double score, double error, String unit) {

  private static final double GIGA = 1e9;

  static BenchResult of(JsonNode result) {
    String benchmark = result.path("benchmark").asText();
    Map<String, String> params = new LinkedHashMap<>();
    result.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
    JsonNode secondary = result.path("secondaryMetrics");
    JsonNode flops = secondary.path("flops");
    if (isRate(flops) && flops.path("score").asDouble() > 0) {
      return scaled(benchmark, params, flops, GIGA, "GFLOP/s");
    }
    JsonNode bytes = secondary.path("bytes");
    if (isRate(bytes) && bytes.path("score").asDouble() > 0) {
      return scaled(benchmark, params, bytes, GIGA, "GB/s");
    }
    JsonNode primary = result.path("primaryMetric");
    return new BenchResult(benchmark, params, primary.path("score").asDouble(Double.NaN),
        error(primary), primary.path("scoreUnit").asText());
  }

  /** A counter is a rate in throughput mode; in time modes JMH reports it per operation. */
  private static boolean isRate(JsonNode metric) {
    return metric.path("scoreUnit").asText().endsWith("/s");
  }

  private static BenchResult scaled(
      String benchmark, Map<String, String> params, JsonNode metric, double scale, String unit) {
    return new BenchResult(benchmark, params, metric.path("score").asDouble() / scale,
        error(metric) / scale, unit);
  }

  /** JMH writes the error as the string "NaN" when there were too few iterations to have one. */
  private static double error(JsonNode metric) {
    return metric.path("scoreError").asDouble(Double.NaN);
  }

  /** Whether a larger score is better: true for rates, false for times per operation. */
  boolean higherIsBetter() {
    return !unit.endsWith("/op");
  }
}
