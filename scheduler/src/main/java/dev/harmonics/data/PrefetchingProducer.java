package dev.harmonics.data;

import java.lang.System.Logger.Level;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the upstream producer on a background thread into a bounded queue, so reading, decoding
 * and batching overlap with the consumer's compute.
 *
 * <p>One thread per epoch reads that epoch and then ends. The worker is never interrupted,
 * because an interrupt closes any {@code FileChannel} the upstream is reading; it is asked to
 * stop through a flag it checks between items and while waiting for room in the queue. A
 * failure in the worker is queued in the failed item's place and rethrown to the consumer as a
 * {@link DataException}. Items dropped by {@link #reset()} or {@link #close()} are closed when
 * they are {@link AutoCloseable} (batches own off-heap memory).
 */
final class PrefetchingProducer<T> implements Producer<T> {

  private static final System.Logger LOG = System.getLogger(PrefetchingProducer.class.getName());
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Object END = new Object();
  private static final long POLL_MILLIS = 20;

  private record Failure(Throwable error) {}

  private final Producer<T> upstream;
  private final BlockingQueue<Object> queue;
  private Thread worker;
  private volatile boolean stopping;
  private Object head;
  private int epoch;
  private boolean closed;

  PrefetchingProducer(Producer<T> upstream, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected > 0 items)");
    }
    this.upstream = upstream;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.epoch = upstream.epoch();
    start();
  }

  private void start() {
    stopping = false;
    worker = Thread.ofPlatform()
        .daemon()
        .name("harmonics-prefetch-" + THREADS.incrementAndGet())
        .start(this::readEpoch);
  }

  private void readEpoch() {
    try {
      while (!stopping && upstream.hasNext()) {
        if (!put(upstream.next())) {
          return;
        }
      }
      put(END);
    } catch (Throwable e) {
      put(new Failure(e));
    }
  }

  /** Waits for room; false (and the item closed) when asked to stop meanwhile. */
  private boolean put(Object item) {
    try {
      while (!stopping) {
        if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    discard(item);
    return false;
  }

  /** Stops the worker, waits for it, and closes every item it had read ahead. */
  private void stop() {
    stopping = true;
    boolean interrupted = false;
    while (worker.isAlive()) {
      drain();
      try {
        worker.join(POLL_MILLIS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    drain();
    if (head != null) {
      discard(head);
      head = null;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    Object item;
    while ((item = queue.poll()) != null) {
      discard(item);
    }
  }

  private static void discard(Object item) {
    if (item instanceof AutoCloseable c && item != END) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "closing a prefetched item that was never used failed", e);
      }
    }
  }

  @Override
  public SampleSpec spec() {
    return upstream.spec();
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    if (head == null) {
      try {
        head = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataException("interrupted while waiting for prefetched data", e);
      }
    }
    if (head instanceof Failure f) {
      throw new DataException(
          "reading data on the prefetch thread failed: " + f.error().getMessage(), f.error());
    }
    return head != END;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " has no further item");
    }
    T item = (T) head;
    head = null;
    return item;
  }

  @Override
  public void reset() {
    if (closed) {
      throw new IllegalStateException("producer is closed");
    }
    stop();
    upstream.reset();
    epoch = upstream.epoch();
    start();
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public long size() {
    return upstream.size();
  }

  /** The current worker thread, for tests that check it ends. */
  Thread worker() {
    return worker;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    upstream.close();
  }
}
