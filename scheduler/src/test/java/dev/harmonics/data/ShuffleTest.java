package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShuffleTest {

  private static int[] readEpoch(Producer<Sample> p) {
    int[] order = new int[(int) p.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = TestSets.indexOf(p.next(), 1);
    }
    assertFalse(p.hasNext());
    return order;
  }

  @Test
  void sameSeedGivesSameOrderEveryEpoch() {
    SampleSet set = TestSets.counting(100, 1);
    try (Producer<Sample> a = Producers.shuffled(set, 42);
        Producer<Sample> b = Producers.shuffled(set, 42)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        assertArrayEquals(readEpoch(a), readEpoch(b), "epoch " + epoch);
        a.reset();
        b.reset();
      }
    }
  }

  @Test
  void eachEpochIsAPermutationAndEpochsDiffer() {
    SampleSet set = TestSets.counting(100, 1);
    try (Producer<Sample> p = Producers.shuffled(set, 7)) {
      int[] first = readEpoch(p);
      p.reset();
      int[] second = readEpoch(p);
      int[] identity = new int[100];
      Arrays.setAll(identity, i -> i);
      assertArrayEquals(identity, Arrays.stream(first).sorted().toArray());
      assertArrayEquals(identity, Arrays.stream(second).sorted().toArray());
      assertFalse(Arrays.equals(first, second), "epochs 0 and 1 drew the same order");
      assertFalse(Arrays.equals(first, identity), "epoch 0 was not shuffled");
    }
  }

  @Test
  void differentSeedsGiveDifferentOrders() {
    SampleSet set = TestSets.counting(100, 1);
    try (Producer<Sample> a = Producers.shuffled(set, 1);
        Producer<Sample> b = Producers.shuffled(set, 2)) {
      assertFalse(Arrays.equals(readEpoch(a), readEpoch(b)));
    }
  }

  @Test
  void resetStartsTheNextEpochMidway() {
    SampleSet set = TestSets.counting(10, 1);
    try (Producer<Sample> a = Producers.shuffled(set, 3);
        Producer<Sample> b = Producers.shuffled(set, 3)) {
      a.next();
      a.reset();
      b.reset();
      assertEquals(1, a.epoch());
      assertArrayEquals(readEpoch(b), readEpoch(a));
    }
  }
}
