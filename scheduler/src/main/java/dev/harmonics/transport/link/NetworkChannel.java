package dev.harmonics.transport.link;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every network end shares: numbered sends retried with exponential backoff over whatever
 * connection the transport provides, an inbox for what arrives, and a record of refused
 * connections. Subclasses say how to get a live {@link FrameLink}.
 */
public abstract class NetworkChannel implements TensorChannel {

  private static final Logger LOG = System.getLogger(NetworkChannel.class.getName());
  private static final int REFUSALS_KEPT = 100;

  protected volatile RemoteBinding binding;
  protected final LinkPolicy policy;
  protected final TensorInbox inbox;
  protected final long endpointId = new SecureRandom().nextLong();

  private final ReentrantLock sendLock = new ReentrantLock();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private long nextSequence;
  private volatile boolean closed;

  protected NetworkChannel(RemoteBinding binding, LinkPolicy policy, int inboxCapacity) {
    this.binding = binding;
    this.policy = policy;
    this.inbox = new TensorInbox(inboxCapacity, TensorInbox.DEFAULT_MAX_BYTES);
  }

  /**
   * A live link to the peer: the current one, or a new one (one attempt).
   *
   * @throws LinkFailure when there is none and none could be made
   */
  protected abstract FrameLink link() throws LinkFailure;

  /** Releases the transport's connections, threads and ports. */
  protected abstract void shutdown();

  /** The binding, with the port actually listened on once a listening end is bound. */
  public RemoteBinding binding() {
    return binding;
  }

  /** Records the port a listening end got, so errors and logs name it rather than 0. */
  protected void boundTo(int port) {
    binding = binding.withPort(port);
  }

  @Override
  public final void send(TensorMessage message) {
    if (closed) {
      throw new TransportException(binding.describe() + ": channel is closed");
    }
    if (message.payloadBytes() > binding.maxMessageSize()) {
      throw new IllegalArgumentException(binding.describe() + ": tensor '" + message.name()
          + "' " + message.tensor().describe() + " is " + message.payloadBytes()
          + " bytes (expected: at most maxMessageSize " + binding.maxMessageSize() + ")");
    }
    sendLock.lock();
    try {
      long sequence = ++nextSequence;
      String lastFailure = "";
      for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
        try {
          link().send(message, sequence, policy.ackTimeout());
          return;
        } catch (LinkFailure e) {
          lastFailure = e.getMessage();
          int tried = attempt;
          LOG.log(Level.INFO, () -> binding.describe() + ": attempt " + tried + " of "
              + policy.maxAttempts() + " to send '" + message.name() + "' failed: "
              + e.getMessage());
          if (closed) {
            break;
          }
          if (attempt < policy.maxAttempts()) {
            pause(policy.backoff(attempt));
          }
        }
      }
      throw new TransportException(binding.describe() + ": gave up sending '" + message.name()
          + "' after " + policy.maxAttempts() + " attempts; last failure: " + lastFailure);
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Makes the first link for a connecting end, retrying with the policy's backoff. When every
   * attempt failed (or the backoff was interrupted) this end is closed.
   *
   * @throws TransportException naming the binding and the last failure
   */
  protected final void linkWithRetries() {
    String lastFailure = "";
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      try {
        link();
        return;
      } catch (LinkFailure e) {
        lastFailure = e.getMessage();
        if (attempt < policy.maxAttempts()) {
          try {
            Thread.sleep(policy.backoff(attempt));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
    }
    close();
    throw new TransportException(binding.describe() + ": cannot connect after "
        + policy.maxAttempts() + " attempts; last failure: " + lastFailure);
  }

  @Override
  public Optional<TensorMessage> receive(Duration timeout) {
    return inbox.take(timeout);
  }

  @Override
  public final void close() {
    if (!closed) {
      closed = true;
      shutdown();
    }
  }

  protected boolean isClosed() {
    return closed;
  }

  /**
   * Connections this end closed because the peer broke the protocol or failed authentication, the
   * newest last (the last {@value #REFUSALS_KEPT}); each reason is also logged as a warning.
   */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  /** Logs and records why a connection is being closed. */
  protected void refuse(String peer, String reason) {
    LOG.log(Level.WARNING, () -> binding.describe() + ": closing the connection from " + peer
        + ": " + reason);
    refusals.add(peer + ": " + reason);
    while (refusals.size() > REFUSALS_KEPT) {
      refusals.remove(0);
    }
  }

  private void pause(Duration backoff) {
    try {
      Thread.sleep(backoff);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException(binding.describe() + ": interrupted while backing off", e);
    }
  }
}
