package dev.harmonics.transport.grpc;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.link.FrameLink;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * Writes frames to a gRPC stream. gRPC serialises a message inside {@code onNext} (the frame's
 * bytes are copied out then), so a write is complete when the call returns. Stream observers are
 * not thread-safe, hence the lock: a sender and an acknowledgement may write at the same time.
 */
final class StreamWriter implements FrameLink.Writer {

  private final StreamObserver<Frame> stream;
  private final Runnable closer;
  private boolean closed;

  StreamWriter(StreamObserver<Frame> stream, Runnable closer) {
    this.stream = stream;
    this.closer = closer;
  }

  @Override
  public synchronized CompletableFuture<Void> write(Frame frame) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the stream is closed"));
    }
    try {
      stream.onNext(frame);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closer.run();
    }
  }
}
