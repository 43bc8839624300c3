package dev.harmonics.data;

/**
 * Builds producer pipelines. A typical training pipeline:
 *
 * <pre>{@code
 * SampleSet train = FashionMnist.load(FashionMnist.Split.TRAIN);
 * Producer<Batch> batches =
 *     Producers.prefetch(Producers.batch(Producers.shuffled(train, seed), 64, false), 4);
 * }</pre>
 */
public final class Producers {

  private Producers() {}

  /** The samples of {@code set} in index order, every epoch. */
  public static Producer<Sample> sequential(SampleSet set) {
    return new SampleSetProducer(set, false, 0);
  }

  /**
   * The samples of {@code set} in a permutation drawn from {@code seed} and the epoch number: the
   * same seed gives the same order, and every {@link Producer#reset()} draws the next epoch's
   * order deterministically.
   */
  public static Producer<Sample> shuffled(SampleSet set, long seed) {
    return new SampleSetProducer(set, true, seed);
  }

  /**
   * Groups {@code batchSize} consecutive samples into one {@link Batch}.
   *
   * @param dropLast whether an epoch's final batch with fewer than {@code batchSize} samples is
   *     dropped (true) or delivered smaller (false)
   */
  public static Producer<Batch> batch(Producer<Sample> samples, int batchSize, boolean dropLast) {
    return new BatchingProducer(samples, batchSize, dropLast);
  }
}
