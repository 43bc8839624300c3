package dev.harmonics.data;

import java.lang.System.Logger.Level;
import java.util.NoSuchElementException;

/**
 * Keeps items {@code k, k + n, k + 2n, ...} of each epoch of a stream. Workers that build the
 * same seeded pipeline and each keep their own {@code k} see disjoint items that together cover
 * the epoch; items skipped are closed when they own resources.
 */
final class ShardingProducer<T> implements Producer<T> {

  private static final System.Logger LOG = System.getLogger(ShardingProducer.class.getName());

  private final Producer<T> upstream;
  private final int k;
  private final int n;
  private T pending;
  private boolean started;

  ShardingProducer(Producer<T> upstream, int k, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n: " + n + " (expected > 0 shards)");
    }
    if (k < 0 || k >= n) {
      throw new IllegalArgumentException("k: " + k + " (expected a shard in [0, " + n + "))");
    }
    this.upstream = upstream;
    this.k = k;
    this.n = n;
  }

  @Override
  public SampleSpec spec() {
    return upstream.spec();
  }

  /** Skips to this shard's next item: {@code k} items at the epoch's start, else {@code n - 1}. */
  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    int skip = started ? n - 1 : k;
    for (int i = 0; i < skip; i++) {
      if (!upstream.hasNext()) {
        return false;
      }
      discard(upstream.next());
    }
    if (!upstream.hasNext()) {
      return false;
    }
    pending = upstream.next();
    started = true;
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("shard " + k + " of " + n + ": epoch " + epoch()
          + " has no further item");
    }
    T item = pending;
    pending = null;
    return item;
  }

  private static void discard(Object item) {
    if (item instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing an item of another shard failed", e);
      }
    }
  }

  @Override
  public void reset() {
    if (pending != null) {
      discard(pending);
      pending = null;
    }
    started = false;
    upstream.reset();
  }

  @Override
  public int epoch() {
    return upstream.epoch();
  }

  @Override
  public long size() {
    long total = upstream.size();
    return total < 0 ? -1 : total / n + (k < total % n ? 1 : 0);
  }

  @Override
  public void close() {
    if (pending != null) {
      discard(pending);
      pending = null;
    }
    upstream.close();
  }
}
