package dev.harmonics.transport.frame;

import dev.harmonics.tensor.DType;
import dev.harmonics.transport.TensorMessage;

/**
 * The constants of the frame layout documented in {@code docs/transport.md}. Header fields are
 * big-endian (network order); tensor payloads are little-endian, the order of every machine we run
 * on, so the common case sends memory as it lies.
 */
public final class FrameFormat {

  /** "HMTF": Harmonics tensor frame. */
  public static final int MAGIC = 0x484D5446;

  /** The only version this code speaks; a peer with another is refused, never guessed at. */
  public static final int VERSION = 1;

  /** magic 4, version 1, type 1, flags 1, dtype 1, sequence 8, body length 4. */
  public static final int HEADER_BYTES = 20;

  /** The CRC32C trailer over header and body. */
  public static final int TRAILER_BYTES = 4;

  public static final int FLAG_COMPRESSED = 1;
  public static final int FLAG_PROOF = 2;
  static final int KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_PROOF;

  /** Highest tensor rank on the wire; more is surely not a tensor of ours. */
  public static final int MAX_RANK = 8;

  /** Longest HELLO token or ERROR reason. */
  public static final int MAX_TEXT_BYTES = 1024;

  /**
   * The most a DATA body holds besides its payload: name, rank and dims, proof. The body-length
   * field is checked against {@code maxMessageSize} plus this before a byte of the body is read.
   */
  public static final int MAX_METADATA_BYTES = 2 + TensorMessage.MAX_NAME_BYTES + 1
      + 4 * MAX_RANK + 4 + TensorMessage.MAX_PROOF_BYTES;

  private FrameFormat() {}

  /** The largest whole frame for a payload limit: what a gRPC inbound limit must allow. */
  public static int maxFrameBytes(int maxMessageSize) {
    return Math.addExact(maxMessageSize, HEADER_BYTES + MAX_METADATA_BYTES + TRAILER_BYTES);
  }

  static int dtypeCode(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> 1;
      case INT8 -> 2;
      case INT32 -> 3;
    };
  }

  static DType dtypeOf(int code) {
    return switch (code) {
      case 1 -> DType.FLOAT32;
      case 2 -> DType.INT8;
      case 3 -> DType.INT32;
      default -> null;
    };
  }
}
