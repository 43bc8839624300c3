package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchingProducerTest {

  @Test
  void keepsTheLastPartialBatch() {
    SampleSet set = TestSets.counting(10, 3, 2);
    try (Producer<Batch> batches = Producers.batch(Producers.sequential(set), 4, false)) {
      assertEquals(3, batches.size());
      List<Integer> sizes = new ArrayList<>();
      int expectedIndex = 0;
      while (batches.hasNext()) {
        try (Batch b = batches.next()) {
          sizes.add(b.size());
          assertArrayEquals(new int[] {b.size(), 3, 2}, b.features().shape());
          for (int i = 0; i < b.size(); i++, expectedIndex++) {
            assertEquals(expectedIndex % 4, b.label(i));
            assertEquals(expectedIndex * 6 + 5, b.features().getFlat(i * 6L + 5));
          }
        }
      }
      assertEquals(List.of(4, 4, 2), sizes);
      assertThrows(NoSuchElementException.class, batches::next);
    }
  }

  @Test
  void dropsTheLastPartialBatchWhenAsked() {
    SampleSet set = TestSets.counting(10, 1);
    try (Producer<Batch> batches = Producers.batch(Producers.sequential(set), 4, true)) {
      assertEquals(2, batches.size());
      int count = 0;
      while (batches.hasNext()) {
        try (Batch b = batches.next()) {
          assertEquals(4, b.size());
          count++;
        }
      }
      assertEquals(2, count);
      batches.reset();
      assertEquals(1, batches.epoch());
      assertTrue(batches.hasNext());
      try (Batch b = batches.next()) {
        assertEquals(0f, b.features().getFlat(0));
      }
    }
  }

  @Test
  void oneHotMatchesLabels() {
    SampleSet set = TestSets.counting(3, 1);
    try (Producer<Batch> batches = Producers.batch(Producers.sequential(set), 3, false);
        Batch b = batches.next()) {
      try (var oneHot = b.oneHot(4)) {
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0},
            oneHot.toFloatArray());
      }
      assertThrows(IllegalArgumentException.class, () -> b.oneHot(2));
    }
  }

  @Test
  void specIsKnownBeforeAnySampleIsRead() {
    SampleSet set = TestSets.counting(5, 7);
    try (Producer<Batch> batches = Producers.batch(Producers.sequential(set), 2, false)) {
      assertEquals(new SampleSpec(new int[] {7}, 4), batches.spec());
      assertFalse(batches.epoch() != 0);
    }
  }

  @Test
  void rejectsANonPositiveBatchSize() {
    SampleSet set = TestSets.counting(5, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Producers.batch(Producers.sequential(set), 0, false));
    assertTrue(e.getMessage().contains("batchSize: 0"), e.getMessage());
  }
}
