package dev.harmonics.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.MalformedDataException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

  @TempDir Path dir;

  /** Values each type holds exactly, including its extremes and negatives where it has them. */
  private static double[] sampleValues(IdxType type) {
    return switch (type) {
      case UNSIGNED_BYTE -> new double[] {0, 1, 127, 128, 200, 255};
      case SIGNED_BYTE -> new double[] {-128, -1, 0, 1, 100, 127};
      case SHORT -> new double[] {-32768, -2, 0, 300, 1000, 32767};
      case INT -> new double[] {Integer.MIN_VALUE, -70000, 0, 1, 70000, Integer.MAX_VALUE};
      case FLOAT -> new double[] {-1.5, -0.0, 0, 0.25, 3.0e30, 1.0e-30f};
      case DOUBLE -> new double[] {-1.0e300, -0.5, 0, 1.0 / 3, 2.5, 1.0e-300};
    };
  }

  @ParameterizedTest
  @EnumSource(IdxType.class)
  void roundTripsEveryTypePlainAndGzip(IdxType type) throws IOException {
    int[] dims = {2, 3};
    double[] values = sampleValues(type);
    byte[] plain = IdxFiles.encode(type, dims, values);
    for (Path p : new Path[] {
        IdxFiles.write(dir, type + ".idx", plain),
        IdxFiles.write(dir, type + ".idx.gz", IdxFiles.gzip(plain))}) {
      IdxArray a = IdxReader.read(p);
      assertEquals(type, a.type());
      assertArrayEquals(dims, a.dims());
      assertEquals(2, a.count());
      assertEquals(3, a.itemSize());
      for (int i = 0; i < values.length; i++) {
        double expected = type == IdxType.FLOAT ? (float) values[i] : values[i];
        assertEquals(expected, a.get(i), 0.0, type + " element " + i);
      }
    }
  }

  @Test
  void unsignedBytesScaleToFloats() throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {1, 4}, new double[] {
        0, 51, 255, 128});
    IdxArray a = IdxReader.read(IdxFiles.write(dir, "u8", plain));
    float[] out = new float[5];
    a.copyAsFloats(0, 4, out, 1, 1f / 255f);
    assertArrayEquals(new float[] {0, 0, 0.2f, 1f, 128f / 255f}, out, 1e-7f);
  }

  @Test
  void gzipIsRecognisedByContentNotName() throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.INT, new int[] {3}, new double[] {7, 8, 9});
    IdxArray a = IdxReader.read(IdxFiles.write(dir, "labels.idx", IdxFiles.gzip(plain)));
    assertEquals(9.0, a.get(2));
    IdxArray b = IdxReader.read(IdxFiles.write(dir, "labels.gz", plain));
    assertEquals(7.0, b.get(0));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void truncatedDataIsRefusedWithCounts(boolean gzip) throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {2, 2, 2}, new double[8]);
    byte[] cut = Arrays.copyOf(plain, plain.length - 3);
    Path p = IdxFiles.write(dir, "cut", gzip ? IdxFiles.gzip(cut) : cut);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(e.getMessage().contains("8 data bytes, file has 5"), e.getMessage());
  }

  @Test
  void truncatedHeaderIsRefused() throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {2, 2, 2}, new double[8]);
    Path p = IdxFiles.write(dir, "head", Arrays.copyOf(plain, 9));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    Path q = IdxFiles.write(dir, "tiny", new byte[] {0, 0});
    e = assertThrows(MalformedDataException.class, () -> IdxReader.read(q));
    assertTrue(e.getMessage().contains("2 of 4 magic bytes"), e.getMessage());
  }

  @Test
  void wrongMagicIsRefused() throws IOException {
    Path p = IdxFiles.write(dir, "png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("not an IDX file: magic number 0x89504e47"),
        e.getMessage());
  }

  @Test
  void unknownTypeByteIsRefused() throws IOException {
    Path p = IdxFiles.write(dir, "type", new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 1, 5});
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("unknown IDX element type 0x0a"), e.getMessage());
  }

  @Test
  void trailingBytesAreRefused() throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {2}, new double[] {1, 2});
    Path p = IdxFiles.write(dir, "long", Arrays.copyOf(plain, plain.length + 4));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("4 unexpected bytes after the 2 data bytes"),
        e.getMessage());
  }

  @Test
  void aHeaderDeclaringMoreThanAnArrayHoldsIsRefusedBeforeReading() throws IOException {
    byte[] header = IdxFiles.encode(IdxType.INT, new int[] {65536, 65536}, new double[0]);
    Path p = IdxFiles.write(dir, "huge", header);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("header declares int[65536, 65536]"), e.getMessage());
    assertTrue(e.getMessage().contains("larger IDX files are not supported"), e.getMessage());
  }

  @Test
  void zeroDimensionIsRefused() throws IOException {
    byte[] plain = IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {0, 2}, new double[0]);
    Path p = IdxFiles.write(dir, "zero", plain);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("dimension 0 is 0"), e.getMessage());
  }

  @Test
  void corruptGzipIsRefused() throws IOException {
    byte[] gz = IdxFiles.gzip(
        IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {64}, new double[64]));
    for (int i = 12; i < gz.length - 8; i++) {
      gz[i] ^= (byte) 0x5a;
    }
    Path p = IdxFiles.write(dir, "bad.gz", gz);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
  }

  @Test
  void truncatedGzipFileIsRefused() throws IOException {
    byte[] gz = IdxFiles.gzip(
        IdxFiles.encode(IdxType.UNSIGNED_BYTE, new int[] {4096}, new double[4096]));
    Path p = IdxFiles.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains(p + ": corrupt gzip stream"), e.getMessage());
  }

  @Test
  void missingFileNamesThePath() {
    Path p = dir.resolve("absent.idx");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.read(p));
    assertTrue(e.getMessage().contains("absent.idx"), e.getMessage());
  }
}
