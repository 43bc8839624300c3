package dev.harmonics.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachinePeakTest {

  @Test
  void lanesFollowTheWidestVectorUnitInTheFlags() {
    assertEquals(16, MachinePeak.lanesFromFlags(List.of("flags\t\t: fpu sse avx2 avx512f fma")));
    assertEquals(8, MachinePeak.lanesFromFlags(List.of("flags\t\t: fpu sse avx avx2 fma")));
    assertEquals(4, MachinePeak.lanesFromFlags(List.of("flags\t\t: fpu sse sse2")));
  }

  @Test
  void peakIsLanesTimesTwoFlopsTimesUnitsTimesClockTimesThreads() {
    MachinePeak peak = new MachinePeak(16, 2, 2.5, 4);
    assertEquals(160.0, peak.gflops(1), 1e-9);
    assertEquals(640.0, peak.gflops(4), 1e-9);
  }

  @Test
  void anUnknownClockIsSaidNotGuessed() {
    MachinePeak peak = new MachinePeak(16, 2, Double.NaN, 2);
    assertTrue(Double.isNaN(peak.gflops(1)));
    assertTrue(peak.describe().contains("-Dharmonics.bench.ghz"), peak.describe());
  }

  @Test
  void thisMachineHasAClockAndLanes() {
    MachinePeak here = MachinePeak.detect();
    assertTrue(here.floatLanes() >= 4, here.toString());
    assertTrue(here.cores() >= 1, here.toString());
  }
}
