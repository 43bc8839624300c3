package dev.harmonics.transport.bus;

import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-process link between partitions in one JVM, with the {@link TensorChannel} API of
 * the network transports. A send is acknowledged once the message is queued; when the queue is
 * full the sender waits, which is the back-pressure a pipeline of partitions needs. Tensors are
 * handed over, not copied: the receiver gets the sender's object and owns it.
 */
public final class TensorBus implements TensorChannel {

  private final String name;
  private final BlockingQueue<TensorMessage> queue;
  private final Duration sendTimeout;
  private volatile boolean closed;

  /**
   * @param name how errors name this bus (the boundary's name)
   * @param capacity messages queued before a sender waits (at least 1)
   * @param sendTimeout how long a sender waits for room before failing; a receiver that stopped
   *     must not hang its senders forever
   */
  public TensorBus(String name, int capacity, Duration sendTimeout) {
    this.name = Objects.requireNonNull(name, "name");
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "bus '" + name + "': capacity " + capacity + " (expected: >= 1)");
    }
    Objects.requireNonNull(sendTimeout, "sendTimeout");
    if (sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new IllegalArgumentException(
          "bus '" + name + "': sendTimeout " + sendTimeout + " (expected: > 0)");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sendTimeout = sendTimeout;
  }

  /** A bus that lets a sender wait up to a minute for room. */
  public TensorBus(String name, int capacity) {
    this(name, capacity, Duration.ofMinutes(1));
  }

  @Override
  public void send(TensorMessage message) {
    Objects.requireNonNull(message, "message");
    if (closed) {
      throw new TransportException("bus '" + name + "' is closed");
    }
    try {
      if (!queue.offer(message, sendTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new TransportException("bus '" + name + "': no room for '" + message.name()
            + "' within " + sendTimeout + " (" + queue.size() + " messages wait; is the"
            + " receiving partition still taking them?)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("bus '" + name + "': interrupted while sending '"
          + message.name() + "'", e);
    }
  }

  @Override
  public Optional<TensorMessage> receive(Duration timeout) {
    try {
      return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("bus '" + name + "': interrupted while receiving", e);
    }
  }

  /** How many messages wait. */
  public int size() {
    return queue.size();
  }

  /** Refuses further sends; messages already queued can still be received. */
  @Override
  public void close() {
    closed = true;
  }
}
