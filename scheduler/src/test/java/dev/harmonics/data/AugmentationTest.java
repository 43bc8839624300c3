package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  private static List<float[]> readEpoch(Producer<Sample> p) {
    List<float[]> out = new ArrayList<>();
    while (p.hasNext()) {
      out.add(p.next().features().toFloatArray());
    }
    return out;
  }

  private static Producer<Sample> pipeline(Augmentation aug) {
    return Producers.augment(Producers.sequential(TestSets.counting(20, 2, 4, 5)), aug);
  }

  @Test
  void sameSeedSameChangesAndNewChangesPerEpoch() {
    Augmentation aug = Augmentation.builder().flipHorizontal(0.5).shift(2).noise(0.1).seed(9)
        .build();
    try (Producer<Sample> a = pipeline(aug); Producer<Sample> b = pipeline(aug)) {
      List<float[]> a0 = readEpoch(a);
      List<float[]> b0 = readEpoch(b);
      for (int i = 0; i < a0.size(); i++) {
        assertArrayEquals(a0.get(i), b0.get(i), "sample " + i);
      }
      a.reset();
      List<float[]> a1 = readEpoch(a);
      assertFalse(Arrays.equals(a0.get(0), a1.get(0)), "epoch 1 repeated epoch 0's changes");
    }
  }

  @Test
  void flipMirrorsEveryChannelRow() {
    Augmentation flip = Augmentation.builder().flipHorizontal(1).build();
    try (Producer<Sample> p = pipeline(flip)) {
      float[] f = p.next().features().toFloatArray();
      // Sample 0 holds 0..39 as [2, 4, 5]: row r of channel c is 20c + 5r .. 20c + 5r + 4.
      assertArrayEquals(new float[] {4, 3, 2, 1, 0}, Arrays.copyOfRange(f, 0, 5));
      assertArrayEquals(new float[] {39, 38, 37, 36, 35}, Arrays.copyOfRange(f, 35, 40));
    }
  }

  @Test
  void shiftMovesPixelsAndFillsWithZeros() {
    Augmentation shift = Augmentation.builder().shift(1).seed(5).build();
    int shifted = 0;
    try (Producer<Sample> p = pipeline(shift)) {
      for (int s = 0; s < 20; s++) {
        // Sequential order: the s-th sample read is sample s.
        float[] f = p.next().features().toFloatArray();
        float base = s * 40f;
        int zeros = 0;
        for (int i = 0; i < f.length; i++) {
          if (f[i] == 0 && !(base == 0 && i == 0)) {
            zeros++;
            continue;
          }
          // Every kept pixel keeps its channel and moves at most one row and one column.
          int from = Math.round(f[i] - base);
          assertEquals(i / 20, from / 20, "channel changed");
          assertTrue(Math.abs((i % 20) / 5 - (from % 20) / 5) <= 1, "row moved > 1");
          assertTrue(Math.abs(i % 5 - from % 5) <= 1, "column moved > 1");
        }
        assertTrue(zeros <= 2 * (4 + 5), "more zeros than a 1-pixel shift leaves: " + zeros);
        shifted += zeros > 0 ? 1 : 0;
      }
    }
    assertTrue(shifted > 0, "no sample of 20 was shifted");
  }

  @Test
  void noiseHasTheAskedSpread() {
    Augmentation noise = Augmentation.builder().noise(0.5).seed(1).build();
    try (Producer<Sample> p = pipeline(noise)) {
      double sum = 0;
      double squares = 0;
      int n = 0;
      int sample = 0;
      while (p.hasNext()) {
        float[] f = p.next().features().toFloatArray();
        // Sequential order: the k-th sample read is sample k.
        float base = sample++ * 40f;
        for (int i = 0; i < f.length; i++) {
          double d = f[i] - (base + i);
          sum += d;
          squares += d * d;
          n++;
        }
      }
      double mean = sum / n;
      double stddev = Math.sqrt(squares / n - mean * mean);
      assertEquals(0, mean, 0.1);
      assertEquals(0.5, stddev, 0.05);
    }
  }

  @Test
  void flipsNeedImageShapedFeatures() {
    Producer<Sample> flat = Producers.sequential(TestSets.counting(3, 6));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Producers.augment(flat, Augmentation.builder().flipHorizontal(0.5).build()));
    assertTrue(e.getMessage().contains("expected [H, W] or [C, H, W]"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Augmentation.builder().flipHorizontal(1.5).build());
  }
}
