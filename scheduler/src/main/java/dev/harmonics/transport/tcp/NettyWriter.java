package dev.harmonics.transport.tcp;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.link.FrameLink;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/** Writes frames to a Netty channel, reporting completion as a {@link CompletableFuture}. */
final class NettyWriter implements FrameLink.Writer {

  private final Channel channel;

  NettyWriter(Channel channel) {
    this.channel = channel;
  }

  @Override
  public CompletableFuture<Void> write(Frame frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel.writeAndFlush(frame).addListener(f -> {
      if (f.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(f.cause());
      }
    });
    return done;
  }

  @Override
  public void close() {
    if (channel.isOpen()) {
      channel.close();
    }
  }
}
