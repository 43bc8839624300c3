package dev.harmonics.data.idx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** A small IDX writer for tests: builds files the reader must accept or refuse. */
final class IdxFiles {

  private IdxFiles() {}

  /** The IDX bytes of {@code values} stored as {@code type} with dimensions {@code dims}. */
  static byte[] encode(IdxType type, int[] dims, double[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length * type.byteSize())
        .order(ByteOrder.BIG_ENDIAN);
    b.put((byte) 0).put((byte) 0).put((byte) type.code()).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    for (double v : values) {
      switch (type) {
        case UNSIGNED_BYTE, SIGNED_BYTE -> b.put((byte) (long) v);
        case SHORT -> b.putShort((short) v);
        case INT -> b.putInt((int) v);
        case FLOAT -> b.putFloat((float) v);
        case DOUBLE -> b.putDouble(v);
      }
    }
    return b.array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }
}
