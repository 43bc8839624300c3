package dev.harmonics.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BurstsTest {

  private static final String USAGE = "arguments: threads rounds burstMillis";

  @Test
  void settingsReadTheLeadingArguments() {
    Bursts.Settings settings = Bursts.Settings.parse(new String[] {"2", "7", "300", "x"}, 4, USAGE);
    assertEquals(new Bursts.Settings(2, 7, 300_000_000L, false), settings);
    assertTrue(Bursts.Settings.parse(new String[] {"1", "1", "1"}, 3, USAGE).oneThread());
  }

  @Test
  void badSettingsNameTheProblem() {
    var tooFew = assertThrows(IllegalArgumentException.class,
        () -> Bursts.Settings.parse(new String[] {"1", "7"}, 4, USAGE));
    assertEquals("2 argument(s); " + USAGE, tooFew.getMessage());
    var zero = assertThrows(IllegalArgumentException.class,
        () -> Bursts.Settings.parse(new String[] {"0", "7", "300", "x"}, 4, USAGE));
    assertTrue(zero.getMessage().startsWith("0 7 300 x: threads, rounds and burst must be >= 1"));
    assertThrows(NumberFormatException.class,
        () -> Bursts.Settings.parse(new String[] {"one", "7", "300", "x"}, 4, USAGE));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3.0, Bursts.median(new double[] {5, 1, 3}));
    assertEquals(2.5, Bursts.median(new double[] {4, 1, 3, 2}));
  }

  @Test
  void compareCountsEveryCallOfBothSides() {
    int[] calls = new int[2];
    double[] medians = Bursts.compare(() -> calls[0]++, () -> calls[1]++, 1.0,
        new Bursts.Settings(1, 3, 1_000_000L, true));
    assertEquals(6, medians.length);
    assertTrue(calls[0] >= 3 && calls[1] >= 3, "each side ran at least once per round");
    for (double median : medians) {
      assertTrue(median > 0 && Double.isFinite(median), "every rate and ratio is positive");
    }
  }
}
