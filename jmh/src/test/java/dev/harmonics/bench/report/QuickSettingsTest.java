package dev.harmonics.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class QuickSettingsTest {

  private static Properties properties(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void overridesAreFoundByTheBenchmarkClassSimpleName() {
    QuickSettings s = QuickSettings.parse(properties(
        "GemmBenchmark.size", "64, 256", "GemmBenchmark.backend", "simd"));
    Map<String, String[]> gemm = s.paramsFor("dev.harmonics.bench.gemm.GemmBenchmark");
    assertArrayEquals(new String[] {"64", "256"}, gemm.get("size"));
    assertArrayEquals(new String[] {"simd"}, gemm.get("backend"));
    assertEquals(Map.of(), s.paramsFor("dev.harmonics.bench.conv.ConvBenchmark"));
  }

  @Test
  void aLineWithoutAParameterNameOrValuesIsRejected() {
    for (Properties bad : new Properties[] {
        properties("GemmBenchmark", "64"),
        properties("GemmBenchmark.size", " ")}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> QuickSettings.parse(bad));
      assertTrue(e.getMessage().contains("<BenchmarkClass>.<param>"), e.getMessage());
    }
  }

  @Test
  void theShippedFileParses() {
    QuickSettings.load();
  }
}
