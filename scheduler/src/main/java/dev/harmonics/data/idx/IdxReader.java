package dev.harmonics.data.idx;

import dev.harmonics.data.MalformedDataException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the format of MNIST and Fashion-MNIST): two zero bytes, a type byte, a rank
 * byte, one big-endian int32 per dimension, then the elements big-endian in row-major order.
 *
 * <p>Gzip is recognised by its magic bytes, not by the file name, so a {@code .gz} that was
 * unpacked but kept its name still reads. A file is accepted only when it holds exactly the bytes
 * its header declares: short files, trailing bytes, broken gzip streams and unknown magic numbers
 * are refused with the file name and what was found.
 */
public final class IdxReader {

  private static final int GZIP_MAGIC_0 = 0x1f;
  private static final int GZIP_MAGIC_1 = 0x8b;
  /** Largest byte array the JVM reliably allocates. */
  private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;

  private IdxReader() {}

  /** Reads the whole file at {@code path}. */
  public static IdxArray read(Path path) throws IOException {
    try (InputStream in = open(path)) {
      return read(in, path.toString());
    } catch (ZipException | EOFException e) {
      throw new MalformedDataException(
          path + ": corrupt gzip stream (" + e.getMessage() + "); re-download or re-install it", e);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "IDX file not found");
    }
  }

  private static InputStream open(Path path) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
      return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    }
    return raw;
  }

  /**
   * Reads one IDX array from {@code in} (already decompressed); {@code source} names it in errors.
   * The stream must end right after the data.
   */
  public static IdxArray read(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new MalformedDataException(
          source + ": truncated header: " + magic.length + " of 4 magic bytes");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new MalformedDataException(
          source + ": not an IDX file: magic number " + hex(magic)
              + " (expected 0x0000 followed by a type byte and a rank byte)");
    }
    IdxType type = IdxType.fromCode(magic[2] & 0xFF);
    if (type == null) {
      throw new MalformedDataException(
          source + ": unknown IDX element type 0x" + String.format("%02x", magic[2] & 0xFF)
              + " in magic number " + hex(magic)
              + " (expected 08 ubyte, 09 byte, 0b short, 0c int, 0d float or 0e double)");
    }
    int rank = magic[3] & 0xFF;
    if (rank == 0) {
      throw new MalformedDataException(source + ": IDX rank 0 (expected at least one dimension)");
    }
    byte[] header = in.readNBytes(4 * rank);
    if (header.length < 4 * rank) {
      throw new MalformedDataException(
          source + ": truncated header: rank " + rank + " needs " + 4 * rank
              + " bytes of dimensions, found " + header.length);
    }
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = ((header[4 * i] & 0xFF) << 24) | ((header[4 * i + 1] & 0xFF) << 16)
          | ((header[4 * i + 2] & 0xFF) << 8) | (header[4 * i + 3] & 0xFF);
      if (dims[i] <= 0) {
        throw new MalformedDataException(
            source + ": dimension " + i + " is " + Integer.toUnsignedLong(dims[i])
                + " (expected 1 to " + Integer.MAX_VALUE + ")");
      }
    }
    long expected;
    try {
      expected = Math.multiplyExact(IdxArray.elementCount(dims), type.byteSize());
    } catch (ArithmeticException e) {
      expected = Long.MAX_VALUE;
    }
    String declared = IdxArray.describe(type, dims);
    if (expected > MAX_DATA_BYTES) {
      throw new MalformedDataException(
          source + ": header declares " + declared + ", more than " + MAX_DATA_BYTES
              + " bytes; larger IDX files are not supported");
    }
    byte[] data = in.readNBytes((int) expected);
    if (data.length < expected) {
      throw new MalformedDataException(
          source + ": truncated: header declares " + declared + " = " + expected
              + " data bytes, file has " + data.length);
    }
    if (in.read() != -1) {
      long extra = 1 + in.skip(Long.MAX_VALUE);
      throw new MalformedDataException(
          source + ": " + extra + " unexpected bytes after the " + expected + " data bytes of "
              + declared + " (wrong header or two files joined?)");
    }
    return new IdxArray(type, dims, data);
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder("0x");
    for (byte b : bytes) {
      s.append(String.format("%02x", b & 0xFF));
    }
    return s.toString();
  }
}
