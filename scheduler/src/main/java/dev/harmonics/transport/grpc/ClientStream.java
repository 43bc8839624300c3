package dev.harmonics.transport.grpc;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameType;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.TensorInbox;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * What the server sends on one Exchange call, seen from the client: the WELCOME becomes a
 * {@link FrameLink}, then frames go to it; a failed call fails the handshake or the link with the
 * gRPC status (UNAUTHENTICATED for a wrong token, UNAVAILABLE when nothing listens).
 */
final class ClientStream implements StreamObserver<Frame> {

  private final String peer;
  private final TensorInbox inbox;
  private final CompletableFuture<FrameLink> handshake = new CompletableFuture<>();
  private StreamWriter writer;
  private volatile FrameLink link;

  ClientStream(String peer, TensorInbox inbox) {
    this.peer = peer;
    this.inbox = inbox;
  }

  /** Set once the call exists; the WELCOME cannot arrive before the HELLO it answers is sent. */
  void attach(StreamWriter requests) {
    this.writer = requests;
  }

  CompletableFuture<FrameLink> handshake() {
    return handshake;
  }

  @Override
  public void onNext(Frame frame) {
    FrameLink current = link;
    if (current != null) {
      try {
        current.onFrame(frame);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        current.close("interrupted while delivering a tensor");
      }
    } else if (frame.type() == FrameType.WELCOME) {
      link = new FrameLink(peer, frame.sequence(), writer, inbox);
      handshake.complete(link);
    } else {
      if (frame.message() != null) {
        frame.message().tensor().close();
      }
      fail("expected a WELCOME, got a " + frame.type() + " frame");
      writer.close();
    }
  }

  @Override
  public void onError(Throwable t) {
    Status status = Status.fromThrowable(t);
    fail(status.getCode() + (status.getDescription() == null ? "" : ": "
        + status.getDescription()));
  }

  @Override
  public void onCompleted() {
    fail("the server ended the stream");
  }

  private void fail(String reason) {
    handshake.completeExceptionally(new LinkFailure(reason));
    FrameLink current = link;
    if (current != null) {
      current.abandon(reason);
    }
  }
}
