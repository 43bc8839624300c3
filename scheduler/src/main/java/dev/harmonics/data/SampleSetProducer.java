package dev.harmonics.data;

import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/** Reads a {@link SampleSet} in index order, or in a seeded permutation drawn anew per epoch. */
final class SampleSetProducer implements Producer<Sample> {

  private final SampleSet set;
  private final boolean shuffle;
  private final long seed;
  private final int[] order;
  private int position;
  private int epoch;
  private boolean closed;

  SampleSetProducer(SampleSet set, boolean shuffle, long seed) {
    this.set = set;
    this.shuffle = shuffle;
    this.seed = seed;
    this.order = new int[set.size()];
    arrange();
  }

  /**
   * Epoch {@code e}'s permutation depends only on (seed, e), so a run that resumes at epoch e
   * sees the order it would have seen without stopping.
   */
  private void arrange() {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (!shuffle) {
      return;
    }
    SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch));
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  @Override
  public SampleSpec spec() {
    return set.spec();
  }

  @Override
  public boolean hasNext() {
    checkOpen();
    return position < order.length;
  }

  @Override
  public Sample next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " is over after " + order.length
          + " samples; call reset() to start the next epoch");
    }
    return set.get(order[position++]);
  }

  @Override
  public void reset() {
    checkOpen();
    epoch++;
    position = 0;
    arrange();
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public long size() {
    return order.length;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
  }
}
