package dev.harmonics.transport.frame;

import dev.harmonics.transport.TensorMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One unit of the wire protocol (layout: {@code docs/transport.md}).
 *
 * @param type what the frame carries
 * @param sequence the DATA frame's number, echoed by its ACK; the endpoint id in HELLO and WELCOME;
 *     0 otherwise
 * @param message the tensor of a DATA frame, else null
 * @param bytes the token of a HELLO or the UTF-8 reason of an ERROR, else empty
 */
public record Frame(FrameType type, long sequence, TensorMessage message, byte[] bytes) {

  private static final byte[] EMPTY = new byte[0];

  public Frame {
    Objects.requireNonNull(type, "type");
    bytes = bytes == null ? EMPTY : bytes;
    if ((type == FrameType.DATA) != (message != null)) {
      throw new IllegalArgumentException("a " + type + " frame "
          + (message == null ? "needs" : "cannot carry") + " a tensor message");
    }
  }

  public static Frame data(long sequence, TensorMessage message) {
    return new Frame(FrameType.DATA, sequence, message, EMPTY);
  }

  public static Frame ack(long sequence) {
    return new Frame(FrameType.ACK, sequence, null, EMPTY);
  }

  public static Frame hello(long endpointId, byte[] token) {
    return new Frame(FrameType.HELLO, endpointId, null, token);
  }

  public static Frame welcome(long endpointId) {
    return new Frame(FrameType.WELCOME, endpointId, null, EMPTY);
  }

  public static Frame ping() {
    return new Frame(FrameType.PING, 0, null, EMPTY);
  }

  public static Frame error(String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    if (text.length > FrameFormat.MAX_TEXT_BYTES) {
      text = Arrays.copyOf(text, FrameFormat.MAX_TEXT_BYTES);
    }
    return new Frame(FrameType.ERROR, 0, null, text);
  }

  /** The reason of an ERROR frame. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
