package dev.harmonics.transport.grpc;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameType;
import dev.harmonics.transport.link.FrameLink;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * One Exchange call on the server: the first frame must be a HELLO; after the WELCOME, frames go to
 * the call's {@link FrameLink}. gRPC delivers one call's messages in order on its executor, where
 * blocking on a full inbox is allowed.
 */
final class ServerStream implements StreamObserver<Frame> {

  private final GrpcTensorServer server;
  private final StreamObserver<Frame> responses;
  private final String peer;
  private FrameLink link;
  private boolean refused;

  ServerStream(GrpcTensorServer server, StreamObserver<Frame> responses, String peer) {
    this.server = server;
    this.responses = responses;
    this.peer = peer;
  }

  @Override
  public void onNext(Frame frame) {
    if (refused) {
      discard(frame);
      return;
    }
    if (frame.type() == FrameType.ERROR && frame.sequence() == FrameMarshaller.INVALID_INPUT) {
      refuse(frame.text());
      return;
    }
    if (link == null) {
      if (frame.type() != FrameType.HELLO) {
        discard(frame);
        refuse("expected a HELLO first, got a " + frame.type() + " frame");
        return;
      }
      StreamWriter writer = new StreamWriter(responses, () -> responses.onCompleted());
      link = new FrameLink(peer, frame.sequence(), writer, server.inbox());
      writer.write(Frame.welcome(server.endpointId()));
      server.register(link);
      return;
    }
    try {
      link.onFrame(frame);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      link.close("interrupted while delivering a tensor");
    }
  }

  @Override
  public void onError(Throwable t) {
    if (link != null) {
      link.abandon("the call failed: " + Status.fromThrowable(t));
      server.forget(link);
    }
  }

  @Override
  public void onCompleted() {
    if (link != null) {
      link.close("the peer ended the stream");
      server.forget(link);
    } else {
      responses.onCompleted();
    }
  }

  private void refuse(String reason) {
    refused = true;
    server.refuse(peer, reason);
    if (link != null) {
      link.abandon(reason);
      server.forget(link);
    }
    responses.onError(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
  }

  private static void discard(Frame frame) {
    if (frame.message() != null) {
      frame.message().tensor().close();
    }
  }
}
