package dev.harmonics.transport.grpc;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameFormat;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The gRPC service: one bidirectional method, {@code harmonics.transport.TensorLink/Exchange},
 * whose messages are frames in both directions, exactly as on a TCP connection (DATA one way, its
 * ACK the other). Push and pop are the two directions of the same stream: per-tensor
 * acknowledgements need a reply channel in each direction, which neither a client-streaming nor a
 * server-streaming method has.
 */
final class TensorLinkService {

  static final String SERVICE = "harmonics.transport.TensorLink";

  /** The shared-secret token, as binary metadata so any bytes are allowed. */
  static final Metadata.Key<byte[]> TOKEN =
      Metadata.Key.of("harmonics-token-bin", Metadata.BINARY_BYTE_MARSHALLER);

  /** The caller's address, put in the call's context by the token check for log lines. */
  static final Context.Key<String> PEER = Context.key("harmonics-peer");

  private TensorLinkService() {}

  static MethodDescriptor<Frame, Frame> exchange(FrameMarshaller marshaller) {
    return MethodDescriptor.<Frame, Frame>newBuilder()
        .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Exchange"))
        .setRequestMarshaller(marshaller)
        .setResponseMarshaller(marshaller)
        .build();
  }

  /**
   * HTTP/2 flow-control window per stream and connection: 16 MiB instead of gRPC's 1 MiB, so a
   * 16 MB tensor is not sent in sixteen window-update round trips.
   */
  static final int FLOW_CONTROL_WINDOW = 16 << 20;

  /** gRPC's inbound limit: a whole frame, so the frame decoder's own checks name the problem. */
  static int maxInbound(int maxMessageSize) {
    return FrameFormat.maxFrameBytes(maxMessageSize);
  }
}
