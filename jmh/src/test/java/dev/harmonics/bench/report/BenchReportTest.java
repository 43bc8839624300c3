package dev.harmonics.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of {@code --report DIR}, written from {@code sample-results.json}. */
class BenchReportTest {

  private static final MachinePeak PEAK = new MachinePeak(16, 2, 1.0, 2);
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir
  static Path dir;
  private static List<Path> written;

  @BeforeAll
  static void writeReport() throws IOException {
    try (InputStream in = BenchReportTest.class.getResourceAsStream("sample-results.json")) {
      JsonNode jmh = new ObjectMapper().readTree(in);
      written = BenchReport.write(dir, jmh, ResultTable.parse(jmh, PEAK));
    }
  }

  @Test
  void writesTheJsonTheTableTheChartsAndAPageShowingThem() throws IOException {
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(List.of("jmh.json", "summary.json", "table.txt", "gflops.png", "bandwidth.png",
        "ratios.png", "peak.png", "index.html"), names);
    for (Path file : written) {
      assertTrue(Files.size(file) > 0, file + " is empty");
    }
    String html = Files.readString(dir.resolve("index.html"));
    for (String png : List.of("gflops.png", "bandwidth.png", "ratios.png", "peak.png")) {
      assertTrue(html.contains("<img src=\"" + png + "\""), html);
    }
    assertTrue(Files.readString(dir.resolve("table.txt")).startsWith("Compute peak: 64 GFLOP/s"));
  }

  @Test
  void theChartsAreRealPngImages() throws IOException {
    for (String png : List.of("gflops.png", "bandwidth.png", "ratios.png", "peak.png")) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve(png)), PNG_SIGNATURE.length);
      assertArrayEquals(PNG_SIGNATURE, head, png);
    }
  }

  @Test
  void theSummaryHasEachRowsFractionOfTheLimitAndItsRatios() throws IOException {
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(64.0, summary.path("machine").path("peakGflopsPerCore").asDouble(), 1e-9);
    assertEquals(70.0, summary.path("machine").path("copyGbsAllThreads").asDouble(), 1e-9);
    JsonNode simd256 = null;
    JsonNode axpy = null;
    for (JsonNode row : summary.path("results")) {
      String benchmark = row.path("benchmark").asText();
      if (benchmark.endsWith("GemmBenchmark.multiply")
          && row.path("params").path("backend").asText().equals("simd")
          && row.path("params").path("size").asText().equals("256")) {
        simd256 = row;
      }
      if (benchmark.endsWith("axpyNativeSegment")) {
        axpy = row;
      }
    }
    assertEquals(45.0 / 128, simd256.path("fractionOfLimit").asDouble(), 1e-3);
    assertEquals("peak", simd256.path("limit").asText());
    assertEquals(0.930, simd256.path("ratios").path("openblas").asDouble(), 1e-3);
    assertEquals(30.0, simd256.path("ratios").path("reference").asDouble(), 0.05);
    assertEquals(55.29 / 70.0, axpy.path("fractionOfLimit").asDouble(), 1e-3);
    assertEquals("copy", axpy.path("limit").asText());
    assertTrue(axpy.path("error").isNull(), "an unknown error is null, not NaN");
  }

  @Test
  void jmhJsonIsKeptAsItCame() throws IOException {
    JsonNode copy = new ObjectMapper().readTree(dir.resolve("jmh.json").toFile());
    try (InputStream in = BenchReportTest.class.getResourceAsStream("sample-results.json")) {
      assertEquals(new ObjectMapper().readTree(in), copy);
    }
  }
}
