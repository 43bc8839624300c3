package dev.harmonics.transport.grpc;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An encoded frame as gRPC's outbound message. Telling gRPC the length up front (KnownLength) and
 * letting it drain the bytes in one call (Drainable) spares it buffering a 16 MB message through
 * small copies just to learn its size.
 */
final class FrameStream extends ByteBufInputStream implements KnownLength, Drainable {

  private final ByteBuf frame;

  FrameStream(ByteBuf frame) {
    super(frame, true);
    this.frame = frame;
  }

  @Override
  public int drainTo(OutputStream target) throws IOException {
    int length = frame.readableBytes();
    frame.readBytes(target, length);
    close();
    return length;
  }
}
