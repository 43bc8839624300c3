package dev.harmonics.transport;

import java.time.Duration;
import java.util.Optional;

/**
 * One end of a link that carries {@link TensorMessage}s, the same API whatever carries them: the
 * in-process {@link dev.harmonics.transport.bus.TensorBus}, TCP or gRPC.
 *
 * <p>Ownership: a received message's tensor belongs to the receiver, who closes it. Over a network
 * the sender keeps its own tensor; on the in-process bus the receiver gets the very same object
 * (no copy), so a sender must not change or close a tensor it has handed to a bus.
 *
 * <p>Sends from several threads are serialised; each waits for its own acknowledgement.
 */
public interface TensorChannel extends AutoCloseable {

  /**
   * Sends one message and returns once the peer has acknowledged it, which means it sits in the
   * peer's inbox and survives anything that happens to the link afterwards.
   *
   * @throws TransportException when the peer cannot be reached or does not acknowledge within the
   *     channel's limits (after its retries), or when the message breaks a limit
   *     (its message names the binding and the reason)
   */
  void send(TensorMessage message);

  /**
   * Takes the next received message, waiting up to {@code timeout}.
   *
   * @return the message, or empty when none arrived in time
   * @throws TransportException when the thread is interrupted while waiting
   */
  Optional<TensorMessage> receive(Duration timeout);

  /** Stops the channel: pending sends fail; messages already received can still be taken. */
  @Override
  void close();
}
