package dev.harmonics.transport.frame;

/** What a frame carries; the code is the frame's type byte. */
public enum FrameType {
  /** A named tensor with an optional proof; answered by an {@link #ACK} of its sequence. */
  DATA(1),
  /** The receiver holds the DATA frame of this sequence. */
  ACK(2),
  /** First frame of a connecting side: its endpoint id and the shared-secret token. */
  HELLO(3),
  /** The listening side accepted the HELLO; carries its endpoint id. */
  WELCOME(4),
  /** A sign of life from an idle side; never answered. */
  PING(5),
  /** The sender refuses the connection; carries the reason as UTF-8, then the sender closes. */
  ERROR(6);

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type of a code, or null when the code is unknown. */
  static FrameType ofCode(int code) {
    for (FrameType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
