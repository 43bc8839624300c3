package dev.harmonics.runtime.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads and writes the checkpoint file format. Every number is big-endian.
 *
 * <pre>
 *   offset  size  field
 *   0       8     magic "HMNCKPT" followed by a zero byte
 *   8       4     format version (u32), {@value #VERSION}
 *   12      8     payload length L (u64)
 *   20      L     payload (below)
 *   20+L    4     CRC32C of the payload (u32)
 *
 *   payload: string graphName, string graphDigest, i64 seed, i64 step, i32 epoch,
 *            i64 batchInEpoch, i64 updates, string precision,
 *            u8 hasOptimizer [string id, f64 weightDecay, u32 n, f64 x n],
 *            u32 tensorCount, tensorCount x (string name, u32 rank, u32 x rank dims,
 *            f32 x product(dims) values)
 *   string:  u32 byte length, then UTF-8 bytes
 * </pre>
 *
 * <p>Writing is atomic: the bytes go to a temporary file in the same directory, which is forced to
 * the device and then moved over the target in one atomic rename (and the directory forced), so a
 * crash at any point leaves either the previous checkpoint or the new one, never a mix. A crash
 * may leave a {@code .tmp} file behind; it is never read.
 *
 * <p>Reading checks, in order, the magic, the version, the length (a truncated or extended file is
 * refused before its checksum is computed), the checksum, then every length inside the payload
 * against the bytes left before allocating anything.
 */
public final class CheckpointFile {

  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = {'H', 'M', 'N', 'C', 'K', 'P', 'T', 0};
  private static final int HEADER = MAGIC.length + 4 + 8;
  private static final int TRAILER = 4;
  private static final int CHUNK = 1 << 16;

  private CheckpointFile() {}

  /** Writes {@code data} to {@code file} atomically, replacing any previous checkpoint. */
  public static void write(Path file, CheckpointData data) throws IOException {
    write(file, data, Long.MAX_VALUE);
  }

  /**
   * {@link #write(Path, CheckpointData)} that fails with an {@link IOException} once
   * {@code failAfterBytes} bytes of the temporary file are written: how tests simulate a crash in
   * the middle of a write.
   */
  static void write(Path file, CheckpointData data, long failAfterBytes) throws IOException {
    byte[] bytes = encode(data);
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        for (int at = 0; at < bytes.length; at += CHUNK) {
          if (at >= failAfterBytes) {
            throw new IOException("write of " + temporary + " interrupted after " + at
                + " bytes (simulated crash)");
          }
          ByteBuffer chunk = ByteBuffer.wrap(bytes, at, Math.min(CHUNK, bytes.length - at));
          while (chunk.hasRemaining()) {
            channel.write(chunk);
          }
        }
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    forceDirectory(directory);
  }

  /** Makes the rename durable; some file systems cannot open a directory, which is harmless. */
  private static void forceDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // The rename is atomic either way; only its durability across power loss is at stake.
    }
  }

  /**
   * Reads and checks a checkpoint.
   *
   * @throws CheckpointException when the file is not a checkpoint, has another version, is
   *     truncated or corrupted
   * @throws NoSuchFileException when it does not exist
   */
  public static CheckpointData read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < MAGIC.length || !startsWithMagic(bytes)) {
      throw new CheckpointException(file, "not a Harmonics checkpoint (its first bytes are not"
          + " the checkpoint magic)");
    }
    if (bytes.length < HEADER + TRAILER) {
      throw new CheckpointException(file, "truncated: " + bytes.length + " bytes (expected: at"
          + " least " + (HEADER + TRAILER) + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(MAGIC.length);
    int version = in.getInt();
    if (version != VERSION) {
      throw new CheckpointException(file, "format version " + Integer.toUnsignedString(version)
          + " (expected: " + VERSION + "; it was written by another Harmonics version)");
    }
    long payloadLength = in.getLong();
    long expected = HEADER + payloadLength + TRAILER;
    if (payloadLength < 0 || expected != bytes.length) {
      throw new CheckpointException(file, (bytes.length < expected ? "truncated" : "corrupted")
          + ": " + bytes.length + " bytes (expected: " + expected + " from its header)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER, (int) payloadLength);
    int stored = ByteBuffer.wrap(bytes, HEADER + (int) payloadLength, TRAILER).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CheckpointException(file, String.format("corrupted: CRC32C of the payload is"
          + " %08x (expected: %08x as stored)", (int) crc.getValue(), stored));
    }
    try {
      return decode(ByteBuffer.wrap(bytes, HEADER, (int) payloadLength).slice(), file);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CheckpointException(file, "corrupted payload: " + e.getMessage(), e);
    }
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  static byte[] encode(CheckpointData data) {
    Encoder out = new Encoder();
    out.string(data.graphName());
    out.string(data.graphDigest());
    out.buffer.putLong(data.seed()).putLong(data.step()).putInt(data.epoch())
        .putLong(data.batchInEpoch()).putLong(data.updates());
    out.string(data.precision());
    CheckpointData.OptimizerState opt = data.optimizer();
    out.buffer.put((byte) (opt == null ? 0 : 1));
    if (opt != null) {
      out.string(opt.id());
      double[] hyper = opt.hyperParameters();
      out.buffer.putDouble(opt.weightDecay()).putInt(hyper.length);
      for (double h : hyper) {
        out.buffer.putDouble(h);
      }
    }
    out.buffer.putInt(data.tensors().size());
    out.flush();
    for (CheckpointData.NamedTensor t : data.tensors()) {
      out.string(t.name());
      out.buffer.putInt(t.shape().length);
      for (int d : t.shape()) {
        out.buffer.putInt(d);
      }
      out.flush();
      out.floats(t.values());
    }
    byte[] payload = out.bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer file = ByteBuffer.allocate(HEADER + payload.length + TRAILER);
    file.put(MAGIC).putInt(VERSION).putLong(payload.length).put(payload)
        .putInt((int) crc.getValue());
    return file.array();
  }

  private static CheckpointData decode(ByteBuffer in, Path file) throws CheckpointException {
    String graphName = string(in, "graph name");
    String digest = string(in, "graph digest");
    long seed = in.getLong();
    long step = in.getLong();
    int epoch = in.getInt();
    long batchInEpoch = in.getLong();
    long updates = in.getLong();
    String precision = string(in, "precision");
    CheckpointData.OptimizerState optimizer = null;
    if (in.get() != 0) {
      String id = string(in, "optimizer");
      double decay = in.getDouble();
      int count = count(in, in.getInt(), Double.BYTES, "optimizer settings");
      double[] hyper = new double[count];
      for (int i = 0; i < count; i++) {
        hyper[i] = in.getDouble();
      }
      optimizer = new CheckpointData.OptimizerState(id, decay, hyper);
    }
    int tensorCount = count(in, in.getInt(), 4 + 4, "tensors");
    List<CheckpointData.NamedTensor> tensors = new ArrayList<>(tensorCount);
    for (int t = 0; t < tensorCount; t++) {
      String name = string(in, "tensor name");
      int rank = count(in, in.getInt(), Integer.BYTES, "dimensions of '" + name + "'");
      int[] shape = new int[rank];
      long elements = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.getInt();
        if (shape[d] < 0) {
          throw new IllegalArgumentException("tensor '" + name + "' has dimension " + shape[d]);
        }
        elements *= shape[d];
        if (elements > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("tensor '" + name + "' is too large");
        }
      }
      float[] values = new float[count(in, (int) elements, Float.BYTES, "values of '" + name
          + "'")];
      in.asFloatBuffer().get(values);
      in.position(in.position() + values.length * Float.BYTES);
      tensors.add(new CheckpointData.NamedTensor(name, shape, values));
    }
    if (in.hasRemaining()) {
      throw new CheckpointException(file, "corrupted payload: " + in.remaining()
          + " unexpected bytes after the last tensor");
    }
    return new CheckpointData(graphName, digest, seed, step, epoch, batchInEpoch, updates,
        precision, optimizer, tensors);
  }

  /** {@code count} items of {@code size} bytes, checked against what is left. */
  private static int count(ByteBuffer in, int count, int size, String what) {
    if (count < 0 || (long) count * size > in.remaining()) {
      throw new IllegalArgumentException(what + ": " + Integer.toUnsignedString(count)
          + " entries do not fit in the " + in.remaining() + " bytes left");
    }
    return count;
  }

  private static String string(ByteBuffer in, String what) {
    int length = count(in, in.getInt(), 1, what);
    byte[] utf8 = new byte[length];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** Metadata through a small buffer; tensor data in bulk. */
  private static final class Encoder {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      buffer.putInt(utf8.length);
      flush();
      bytes.writeBytes(utf8);
    }

    void flush() {
      bytes.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }

    void floats(float[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES);
      b.asFloatBuffer().put(values);
      bytes.writeBytes(b.array());
    }
  }
}
