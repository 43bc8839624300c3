package dev.harmonics.transport.link;

import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where received tensors wait for {@link dev.harmonics.transport.TensorChannel#receive}: bounded,
 * so a slow receiver holds back its senders (a full inbox delays acknowledgements) instead of
 * filling memory.
 *
 * <p>It also makes retries safe: a sender numbers its messages and resends a message whose
 * acknowledgement it missed, maybe over a new connection; the inbox remembers the last number it
 * took from each sender and drops the repeat, so every message arrives exactly once.
 */
public final class TensorInbox {

  private final BlockingQueue<TensorMessage> queue;
  private final Map<Long, Long> lastDelivered = new ConcurrentHashMap<>();
  private final Map<Long, Object> senderLocks = new ConcurrentHashMap<>();

  public TensorInbox(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("inbox capacity: " + capacity + " (expected: >= 1)");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Queues a message from sender {@code senderId}, waiting while the inbox is full.
   *
   * @return false when the message is a repeat of one already queued (the caller closes it)
   */
  public boolean deliver(long senderId, long sequence, TensorMessage message)
      throws InterruptedException {
    synchronized (senderLocks.computeIfAbsent(senderId, id -> new Object())) {
      Long last = lastDelivered.get(senderId);
      if (last != null && sequence <= last) {
        return false;
      }
      queue.put(message);
      lastDelivered.put(senderId, sequence);
      return true;
    }
  }

  /** The next message, waiting up to {@code timeout}; empty when none came. */
  public Optional<TensorMessage> take(Duration timeout) {
    try {
      return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while waiting for a tensor", e);
    }
  }

  /** How many messages wait. */
  public int size() {
    return queue.size();
  }
}
