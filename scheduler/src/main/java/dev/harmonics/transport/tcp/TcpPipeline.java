package dev.harmonics.transport.tcp;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.frame.FrameDecoderHandler;
import dev.harmonics.transport.frame.FrameEncoderHandler;
import dev.harmonics.transport.frame.FrameException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;

/** The handler chain both TCP sides share, from the socket inwards. */
final class TcpPipeline {

  /**
   * Reads of up to 1 MiB instead of Netty's 64 KiB default: a 16 MB tensor then arrives in a few
   * dozen reads rather than hundreds. The allocator still starts small for small messages.
   */
  static final RecvByteBufAllocator READS =
      new AdaptiveRecvByteBufAllocator(512, 16 << 10, 1 << 20);

  private TcpPipeline() {}

  /**
   * TLS (when on), liveness timers, the frame codec, and last the side's connection handler on
   * {@code blocking}, a thread group of its own because a full inbox blocks it.
   */
  static void build(ChannelPipeline pipeline, SslHandler tls, RemoteBinding binding,
      LinkPolicy policy, EventExecutorGroup blocking, ChannelHandler connection) {
    if (tls != null) {
      pipeline.addLast("tls", tls);
    }
    pipeline.addLast("idle", new IdleStateHandler(policy.deadAfter().toMillis(),
        policy.heartbeat().toMillis(), 0, TimeUnit.MILLISECONDS));
    pipeline.addLast("decoder", new FrameDecoderHandler(binding.maxMessageSize()));
    pipeline.addLast("encoder",
        new FrameEncoderHandler(binding.compress(), binding.maxMessageSize()));
    pipeline.addLast("liveness", new LivenessHandler(policy.deadAfter()));
    pipeline.addLast(blocking, "connection", connection);
  }

  /** The reason to log for an exception that reached a connection handler. */
  static String reason(Throwable cause) {
    Throwable t = cause;
    if (t instanceof DecoderException && t.getCause() != null) {
      t = t.getCause();
    }
    String prefix = t instanceof FrameException ? "invalid frame: " : "";
    String text = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return prefix + text;
  }
}
