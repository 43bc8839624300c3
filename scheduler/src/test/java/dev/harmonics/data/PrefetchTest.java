package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefetchTest {

  @Test
  void deliversTheUpstreamOrderAcrossEpochs() {
    SampleSet set = TestSets.counting(50, 3);
    try (Producer<Sample> direct = Producers.shuffled(set, 11);
        Producer<Sample> prefetched = Producers.prefetch(Producers.shuffled(set, 11), 4)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        List<Integer> expected = new ArrayList<>();
        while (direct.hasNext()) {
          expected.add(TestSets.indexOf(direct.next(), 3));
        }
        List<Integer> actual = new ArrayList<>();
        while (prefetched.hasNext()) {
          actual.add(TestSets.indexOf(prefetched.next(), 3));
        }
        assertEquals(expected, actual, "epoch " + epoch);
        assertEquals(epoch, prefetched.epoch());
        direct.reset();
        prefetched.reset();
      }
    }
  }

  @Test
  void anUpstreamErrorReachesTheConsumerAfterTheGoodItems() {
    SampleSet set = TestSets.counting(10, 1);
    SampleSet failing = new SampleSet() {
      @Override
      public SampleSpec spec() {
        return set.spec();
      }

      @Override
      public int size() {
        return set.size();
      }

      @Override
      public void copyFeatures(int index, float[] dst, int offset) {
        if (index == 6) {
          throw new DataException("record 6 is unreadable");
        }
        set.copyFeatures(index, dst, offset);
      }

      @Override
      public int label(int index) {
        return set.label(index);
      }
    };
    try (Producer<Sample> p = Producers.prefetch(Producers.sequential(failing), 2)) {
      for (int i = 0; i < 6; i++) {
        assertEquals(i, TestSets.indexOf(p.next(), 1));
      }
      DataException e = assertThrows(DataException.class, p::hasNext);
      assertTrue(e.getMessage().contains("record 6 is unreadable"), e.getMessage());
      assertEquals("record 6 is unreadable", e.getCause().getMessage());
    }
  }

  @Test
  void closeStopsTheThreadAndClosesItemsReadAhead() throws InterruptedException {
    SampleSet set = TestSets.counting(1000, 8);
    Producer<Batch> batches = Producers.batch(Producers.sequential(set), 10, false);
    PrefetchingProducer<Batch> p = new PrefetchingProducer<>(batches, 3);
    try (Batch first = p.next()) {
      assertEquals(0f, first.features().getFlat(0));
    }
    Thread worker = p.worker();
    // The worker fills the queue, then waits for room: it must still be running here.
    assertTrue(worker.isAlive());
    p.close();
    assertFalse(worker.isAlive(), "prefetch thread still running after close");
    assertThrows(IllegalStateException.class, p::hasNext);
  }

  @Test
  void resetDropsTheRestOfTheEpochAndStartsTheNext() {
    SampleSet set = TestSets.counting(20, 1);
    try (Producer<Sample> p = Producers.prefetch(Producers.sequential(set), 5)) {
      p.next();
      p.next();
      p.reset();
      assertEquals(1, p.epoch());
      int count = 0;
      while (p.hasNext()) {
        assertEquals(count, TestSets.indexOf(p.next(), 1));
        count++;
      }
      assertEquals(20, count);
    }
  }

  @Test
  void specNeedsNoRead() {
    SampleSet set = TestSets.counting(4, 2, 2);
    try (Producer<Sample> p = Producers.prefetch(Producers.sequential(set), 1)) {
      assertEquals(set.spec(), p.spec());
      assertEquals(4L, p.size());
    }
  }
}
