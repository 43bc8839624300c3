package dev.harmonics.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The table of {@code sample-results.json}: a trimmed JMH result file with known figures. */
class ResultTableTest {

  /** 64 GFLOP/s per core, 128 on both: round numbers, so the fractions are easy to check. */
  private static final MachinePeak PEAK = new MachinePeak(16, 2, 1.0, 2);

  private static List<String> lines;

  @BeforeAll
  static void format() throws IOException {
    try (InputStream in = ResultTableTest.class.getResourceAsStream("sample-results.json")) {
      lines = ResultTable.parse(new ObjectMapper().readTree(in), PEAK).format().lines().toList();
    }
  }

  private static String row(String benchmark, String params) {
    Pattern p =
        Pattern.compile("^" + Pattern.quote(benchmark) + " +" + Pattern.quote(params) + " ");
    return lines.stream().filter(l -> p.matcher(l).find()).findFirst()
        .orElseThrow(() -> new AssertionError(benchmark + " " + params + " not in\n"
            + String.join("\n", lines)));
  }

  private static void assertRow(String expectedTail, String row) {
    assertTrue(row.replaceAll(" +", " ").endsWith(expectedTail), "got: " + row);
  }

  @Test
  void headerFirstThenOneRowPerResultSortedByBenchmark() {
    assertEquals(12, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("Benchmark "), lines.get(0));
    assertTrue(lines.get(1).startsWith("conv.ConvBenchmark.latency "), lines.get(1));
    assertTrue(lines.get(11).startsWith("tensor.StorageBenchmark.axpyNativeSegment "),
        lines.get(11));
  }

  @Test
  void flopsAreShownInGigaflopsWithTheirError() {
    assertRow("1.50 ± 0.10 GFLOP/s 1.2% of peak",
        row("gemm.GemmBenchmark.multiply", "backend=reference size=256"));
  }

  @Test
  void bytesAreShownInGigabytesAndAMissingErrorIsLeftBlank() {
    assertRow("size=1024 55.3 GB/s 79% of copy",
        row("tensor.StorageBenchmark.axpyNativeSegment", "size=1024"));
  }

  @Test
  void withoutWorkCountersThePrimaryScoreAndUnitAreShown() {
    assertRow("29,364,001 ± 1,234,568 ops/s",
        row("tensor.StorageBenchmark.allocFloatArray", "floats=16"));
  }

  @Test
  void backendsAreComparedWithEveryBaselineThatRanTheSameParameters() {
    assertRow("45.0 ± 1.2 GFLOP/s 35% of peak simd/reference 30.0x, simd/openblas 0.930x",
        row("gemm.GemmBenchmark.multiply", "backend=simd size=256"));
    assertRow("48.4 ± 0.5 GFLOP/s 38% of peak openblas/reference 32.3x",
        row("gemm.GemmBenchmark.multiply", "backend=openblas size=256"));
    assertRow("GFLOP/s 47% of peak simd/openblas 0.968x",
        row("gemm.GemmBenchmark.multiply", "backend=simd size=1024"));
  }

  @Test
  void theReferenceRowComparesWithNothing() {
    assertRow("GFLOP/s 1.2% of peak",
        row("gemm.GemmBenchmark.multiply", "backend=reference size=256"));
  }

  @Test
  void forTimesPerOperationTheRatioIsHowManyTimesFasterTheBackendIs() {
    assertRow("10.0 ± 0.3 us/op simd/reference 20.0x",
        row("conv.ConvBenchmark.latency", "backend=simd channels=8"));
  }

  @Test
  void bandwidthIsMeasuredAgainstTheCopyOnAsManyThreads() {
    assertRow("threads=1 20.0 GB/s 100% of copy",
        row("memory.CopyBenchmark.copy", "megabytes=64 threads=1"));
    assertRow("threads=all 70.0 GB/s 100% of copy",
        row("memory.CopyBenchmark.copy", "megabytes=64 threads=all"));
  }

  @Test
  void theLimitsArePrintedAboveTheTable() throws IOException {
    try (InputStream in = ResultTableTest.class.getResourceAsStream("sample-results.json")) {
      String limits = ResultTable.parse(new ObjectMapper().readTree(in), PEAK).limits();
      assertTrue(limits.contains("64 GFLOP/s per core, 128 on 2 cores (16 float lanes x 2 flops"
          + " x 2 FMA units x 1.00 GHz)"), limits);
      assertTrue(limits.contains("20.0 GB/s on 1 thread, 70.0 GB/s on 2"), limits);
    }
  }

  @Test
  void columnsAreAligned() {
    int unitColumn = lines.get(0).indexOf("Unit");
    for (String line : lines.subList(1, lines.size())) {
      Matcher unit = Pattern.compile(" (GFLOP/s|GB/s|ops/s|us/op)").matcher(line);
      assertTrue(unit.find(), line);
      assertEquals(unitColumn, unit.start(1), line);
    }
  }

  @Test
  void somethingOtherThanAnArrayIsRejected() throws IOException {
    var notAnArray = new ObjectMapper().readTree("{\"benchmark\": \"x\"}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResultTable.parse(notAnArray));
    assertTrue(e.getMessage().contains("expected: an array"), e.getMessage());
  }
}
