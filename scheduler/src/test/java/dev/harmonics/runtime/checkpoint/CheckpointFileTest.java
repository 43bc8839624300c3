package dev.harmonics.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file format round-trips, its writes are atomic, and bad lengths inside are caught. */
class CheckpointFileTest {

  @TempDir
  Path dir;

  private static CheckpointData data(float fill, int size) {
    float[] values = new float[size];
    java.util.Arrays.fill(values, fill);
    return new CheckpointData("g", "abc123", 7, 100, 3, 5, 99, "max-bits:8",
        new CheckpointData.OptimizerState("adam", 0.01, new double[] {0.9, 0.999, 1e-8}),
        List.of(new CheckpointData.NamedTensor("param:h.weight", new int[] {size}, values),
            new CheckpointData.NamedTensor("state:bn#0", new int[] {2, 0}, new float[0])));
  }

  @Test
  void roundTrips() throws IOException {
    Path file = dir.resolve("c.ckpt");
    CheckpointData written = data(1.5f, 1000);
    CheckpointFile.write(file, written);
    CheckpointData read = CheckpointFile.read(file);
    assertEquals(written.graphName(), read.graphName());
    assertEquals(written.graphDigest(), read.graphDigest());
    assertEquals(written.seed(), read.seed());
    assertEquals(written.step(), read.step());
    assertEquals(written.epoch(), read.epoch());
    assertEquals(written.batchInEpoch(), read.batchInEpoch());
    assertEquals(written.updates(), read.updates());
    assertEquals(written.precision(), read.precision());
    assertEquals(written.optimizer(), read.optimizer());
    assertEquals(2, read.tensors().size());
    assertArrayEquals(written.tensors().get(0).values(), read.tensors().get(0).values());
    assertArrayEquals(new int[] {2, 0}, read.tensors().get(1).shape());
  }

  @Test
  void crashInTheMiddleOfAWriteLeavesThePreviousCheckpoint() throws IOException {
    Path file = dir.resolve("c.ckpt");
    CheckpointFile.write(file, data(1f, 100_000));
    byte[] before = Files.readAllBytes(file);
    IOException crash = assertThrows(IOException.class,
        () -> CheckpointFile.write(file, data(2f, 100_000), 200_000));
    assertTrue(crash.getMessage().contains("interrupted"), crash.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint is intact");
    assertEquals(1f, CheckpointFile.read(file).tensors().get(0).values()[0]);
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(file), left.toList(), "no temporary file left behind");
    }
    CheckpointFile.write(file, data(3f, 100_000));
    assertEquals(3f, CheckpointFile.read(file).tensors().get(0).values()[0]);
  }

  @Test
  void lengthsInsideThePayloadAreChecked() throws IOException {
    byte[] bytes = CheckpointFile.encode(data(1f, 4));
    int tensorCountAt = indexOfTensorCount(bytes);
    ByteBuffer.wrap(bytes).putInt(tensorCountAt, 1_000_000);
    fixChecksum(bytes);
    Path file = dir.resolve("lying.ckpt");
    Files.write(file, bytes);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointFile.read(file));
    assertTrue(e.getMessage().contains("corrupted payload: tensors: 1000000 entries do not fit"),
        e.getMessage());
  }

  @Test
  void extraBytesAreRefused() throws IOException {
    byte[] bytes = CheckpointFile.encode(data(1f, 4));
    Path file = dir.resolve("long.ckpt");
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length + 3));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> CheckpointFile.read(file));
    assertTrue(e.getMessage().contains("corrupted: " + (bytes.length + 3) + " bytes (expected: "
        + bytes.length), e.getMessage());
  }

  /** The tensor count follows the optimizer block; found by re-encoding with no tensors. */
  private static int indexOfTensorCount(byte[] full) {
    CheckpointData d = data(1f, 4);
    byte[] empty = CheckpointFile.encode(new CheckpointData(d.graphName(), d.graphDigest(),
        d.seed(), d.step(), d.epoch(), d.batchInEpoch(), d.updates(), d.precision(),
        d.optimizer(), List.of()));
    return empty.length - 4 - 4;
  }

  private static void fixChecksum(byte[] bytes) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 20, bytes.length - 24);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
  }
}
