package dev.harmonics.transport.link;

import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.frame.Frame;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The protocol over one live connection after its handshake, the same for TCP and gRPC: DATA
 * frames go into the inbox and are acknowledged only once they are there; ACKs complete the sends
 * that wait for them; an ERROR from the peer closes the link with the peer's reason.
 *
 * <p>{@link #onFrame} may block (a full inbox), so transports call it off their I/O threads.
 */
public final class FrameLink {

  private static final Logger LOG = System.getLogger(FrameLink.class.getName());

  /** How a transport puts frames on its connection. */
  public interface Writer {
    /** Queues the frame; the future completes when it is written or fails when it cannot be. */
    CompletableFuture<Void> write(Frame frame);

    /** Closes the connection; idempotent. */
    void close();
  }

  private final String peer;
  private final long peerId;
  private final Writer writer;
  private final TensorInbox inbox;
  private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private volatile String closedReason;

  /**
   * @param peer how log lines and errors name the other side (e.g. its address)
   * @param peerId the endpoint id the peer announced in its HELLO or WELCOME
   */
  public FrameLink(String peer, long peerId, Writer writer, TensorInbox inbox) {
    this.peer = peer;
    this.peerId = peerId;
    this.writer = writer;
    this.inbox = inbox;
  }

  public boolean isOpen() {
    return closedReason == null;
  }

  public String peer() {
    return peer;
  }

  /**
   * Sends a DATA frame and waits for its ACK. The tensor's memory may be referenced by the
   * transport until the write completes, so on every failure this waits for the write to finish
   * (the link is closed first, which makes it finish) before returning.
   */
  public void send(TensorMessage message, long sequence, Duration ackTimeout) throws LinkFailure {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    pending.put(sequence, ack);
    String reason = closedReason;
    if (reason != null) {
      pending.remove(sequence);
      throw new LinkFailure("connection to " + peer + " is closed: " + reason);
    }
    CompletableFuture<Void> written = writer.write(Frame.data(sequence, message));
    written.whenComplete((ok, error) -> {
      if (error != null) {
        ack.completeExceptionally(error);
      }
    });
    try {
      ack.get(ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      close("no acknowledgement of '" + message.name() + "' within " + ackTimeout);
      awaitQuietly(written);
      throw new LinkFailure("no acknowledgement of '" + message.name() + "' from " + peer
          + " within " + ackTimeout);
    } catch (ExecutionException e) {
      close(describe(e.getCause()));
      awaitQuietly(written);
      throw new LinkFailure("sending '" + message.name() + "' to " + peer + " failed: "
          + describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close("sender interrupted");
      awaitQuietly(written);
      throw new LinkFailure("interrupted while sending '" + message.name() + "'", e);
    } finally {
      pending.remove(sequence);
    }
  }

  /** Handles one inbound frame of an established link; may block while the inbox is full. */
  public void onFrame(Frame frame) throws InterruptedException {
    switch (frame.type()) {
      case DATA -> {
        if (!inbox.deliver(peerId, frame.sequence(), frame.message())) {
          frame.message().tensor().close();
        }
        writer.write(Frame.ack(frame.sequence()));
      }
      case ACK -> {
        CompletableFuture<Void> ack = pending.get(frame.sequence());
        if (ack != null) {
          ack.complete(null);
        }
      }
      case PING -> { }
      case ERROR -> close("the peer refused: " + frame.text());
      case HELLO, WELCOME -> close("unexpected " + frame.type() + " after the handshake");
    }
  }

  /** Closes the link and its connection: waiting sends fail with {@code reason}. Idempotent. */
  public void close(String reason) {
    abandon(reason);
    writer.close();
  }

  /**
   * Marks the link dead and fails waiting sends with {@code reason}, leaving the connection to the
   * transport, which may still have to flush an ERROR frame before closing it. Idempotent.
   */
  public void abandon(String reason) {
    if (closedReason != null) {
      return;
    }
    closedReason = reason;
    LOG.log(Level.DEBUG, () -> "link to " + peer + " closed: " + reason);
    LinkFailure failure = new LinkFailure("connection to " + peer + " closed: " + reason);
    pending.values().forEach(f -> f.completeExceptionally(failure));
  }

  private static void awaitQuietly(CompletableFuture<Void> written) {
    try {
      written.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The write failed or hung on a closed connection: either way it is over for this send.
    }
  }

  static String describe(Throwable t) {
    if (t instanceof LinkFailure) {
      return t.getMessage();
    }
    String text = t.getMessage();
    return text == null ? t.getClass().getSimpleName() : text;
  }
}
