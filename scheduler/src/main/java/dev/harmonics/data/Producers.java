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

  /**
   * Applies random flips, shifts and noise to each sample; seeded, so a run with the same seed
   * and the same upstream order sees the same changes.
   */
  public static Producer<Sample> augment(Producer<Sample> samples, Augmentation augmentation) {
    return new AugmentingProducer(samples, augmentation);
  }

  /**
   * Reads {@code upstream} on a background thread, up to {@code capacity} items ahead. Errors on
   * that thread reach the consumer as a {@link DataException} from {@code hasNext}/{@code next};
   * {@code close} stops the thread and closes the items it had read ahead.
   */
  public static <T> Producer<T> prefetch(Producer<T> upstream, int capacity) {
    return new PrefetchingProducer<>(upstream, capacity);
  }

  /**
   * Keeps items {@code k, k + n, k + 2n, ...} of every epoch of {@code upstream}: shard {@code k}
   * of {@code n} of a stream. Workers that build the same seeded pipeline (same seed, same data)
   * and keep different {@code k} get disjoint items covering each epoch. Where the data is a
   * {@link SampleSet}, {@link SampleSets#shard} is cheaper: it reads only its own samples.
   */
  public static <T> Producer<T> shard(Producer<T> upstream, int k, int n) {
    return new ShardingProducer<>(upstream, k, n);
  }
}
