package dev.harmonics.data;

import java.util.NoSuchElementException;

/**
 * A source of training or inference data, one epoch at a time.
 *
 * <p>{@code T} is {@link Sample} for per-sample stages (readers, shuffle, augmentation) and
 * {@link Batch} once {@link Producers#batch batched}. An epoch is read with {@link #hasNext()} and
 * {@link #next()}; {@link #reset()} starts the next epoch, which is when seeded stages draw their
 * new order or randomness (epoch {@code e} of a given seed is always the same). {@link #spec()}
 * is known without reading a sample so a runtime can check shapes before training starts.
 *
 * <p>Producers are not thread-safe: one consumer reads one producer. {@link Producers#prefetch}
 * is the stage that moves reading to a background thread.
 */
public interface Producer<T> extends AutoCloseable {

  /** Shape of one sample's features and the label classes, without consuming anything. */
  SampleSpec spec();

  /** Whether the current epoch has another item. */
  boolean hasNext();

  /**
   * The next item of the current epoch.
   *
   * @throws NoSuchElementException when the epoch is over
   * @throws DataException when the underlying data cannot be read
   */
  T next();

  /** Ends the current epoch (unread items are dropped) and starts the next one. */
  void reset();

  /** Index of the current epoch, from 0; {@link #reset()} adds one. */
  int epoch();

  /** Items per epoch, or -1 when unknown before the epoch has been read. */
  long size();

  /** Releases files, threads and buffers; further calls are an error. */
  @Override
  void close();
}
