package dev.harmonics.transport.link;

import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where received tensors wait for {@link dev.harmonics.transport.TensorChannel#receive}: bounded in
 * messages and in bytes, so a slow receiver holds back its senders (a full inbox delays
 * acknowledgements) instead of filling memory. An empty inbox always takes one message, however
 * large, so a tensor up to {@code maxMessageSize} can always get through.
 *
 * <p>It also makes retries safe: a sender numbers its messages and resends a message whose
 * acknowledgement it missed, maybe over a new connection; the inbox remembers the last number it
 * took from each sender and drops the repeat, so every message arrives exactly once.
 */
public final class TensorInbox {

  /** Default byte bound: room for a pipeline's worth of activations, far from a heap's worth. */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;

  private final int capacity;
  private final long maxBytes;
  private final ArrayDeque<TensorMessage> queue = new ArrayDeque<>();
  private final Map<Long, Long> lastDelivered = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long bytes;

  /**
   * @param capacity messages held at most (at least 1)
   * @param maxBytes payload bytes held at most, unless the inbox is empty (at least 1)
   */
  public TensorInbox(int capacity, long maxBytes) {
    if (capacity < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("inbox capacity " + capacity + " and maxBytes "
          + maxBytes + " (expected: both >= 1)");
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues a message from sender {@code senderId}, waiting while the inbox is full.
   *
   * @return false when the message is a repeat of one already queued (the caller closes it)
   */
  public boolean deliver(long senderId, long sequence, TensorMessage message)
      throws InterruptedException {
    long size = message.payloadBytes();
    lock.lockInterruptibly();
    try {
      while (true) {
        Long last = lastDelivered.get(senderId);
        if (last != null && sequence <= last) {
          return false;
        }
        if (queue.isEmpty() || (queue.size() < capacity && bytes + size <= maxBytes)) {
          queue.addLast(message);
          bytes += size;
          lastDelivered.put(senderId, sequence);
          changed.signalAll();
          return true;
        }
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The next message, waiting up to {@code timeout}; empty when none came. */
  public Optional<TensorMessage> take(Duration timeout) {
    long left = timeout.toNanos();
    try {
      lock.lockInterruptibly();
      try {
        while (queue.isEmpty()) {
          if (left <= 0) {
            return Optional.empty();
          }
          left = changed.awaitNanos(left);
        }
        TensorMessage message = queue.removeFirst();
        bytes -= message.payloadBytes();
        changed.signalAll();
        return Optional.of(message);
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for a tensor", e);
    }
  }

  /** How many messages wait. */
  public int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }
}
