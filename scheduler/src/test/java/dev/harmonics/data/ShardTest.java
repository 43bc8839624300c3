package dev.harmonics.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ShardTest {

  @Test
  void shardsAreDisjointAndComplete() {
    for (int size : new int[] {1, 7, 10, 101}) {
      for (int n : new int[] {1, 2, 3, 8}) {
        SampleSet set = TestSets.counting(size, 2);
        BitSet seen = new BitSet();
        int total = 0;
        for (int k = 0; k < n; k++) {
          SampleSet shard = SampleSets.shard(set, k, n);
          assertTrue(Math.abs(shard.size() - size / (double) n) < 1, "shard sizes differ by > 1");
          for (int i = 0; i < shard.size(); i++) {
            int index = TestSets.indexOf(shard.get(i), 2);
            assertTrue(!seen.get(index), "sample " + index + " in two shards");
            assertEquals(index % 4, shard.label(i));
            seen.set(index);
            total++;
          }
        }
        assertEquals(size, total, "size " + size + ", " + n + " shards");
        assertEquals(size, seen.cardinality());
      }
    }
  }

  @Test
  void badShardArgumentsAreRefused() {
    SampleSet set = TestSets.counting(10, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SampleSets.shard(set, 3, 3));
    assertTrue(e.getMessage().contains("k: 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SampleSets.shard(set, 0, 0));
    assertTrue(e.getMessage().contains("n: 0"), e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> SampleSets.shard(set, 0, 3).label(4));
  }

  @Test
  void streamShardsOfASeededPipelineAreDisjointAndComplete() {
    SampleSet set = TestSets.counting(23, 1);
    int n = 3;
    BitSet seen = new BitSet();
    for (int k = 0; k < n; k++) {
      try (Producer<Batch> shard =
          Producers.shard(Producers.batch(Producers.shuffled(set, 5), 4, false), k, n)) {
        for (int epoch = 0; epoch < 2; epoch++) {
          long batches = 0;
          while (shard.hasNext()) {
            try (Batch b = shard.next()) {
              batches++;
              for (int i = 0; i < b.size(); i++) {
                int index = (int) b.features().getFlat(i);
                int key = epoch * 100 + index;
                assertTrue(!seen.get(key), "sample " + index + " twice in epoch " + epoch);
                seen.set(key);
              }
            }
          }
          assertEquals(shard.size(), batches, "shard " + k + " epoch " + epoch);
          shard.reset();
        }
      }
    }
    assertEquals(2 * 23, seen.cardinality());
  }
}
