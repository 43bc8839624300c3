package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.runtime.checkpoint.CheckpointException;
import dev.harmonics.runtime.layer.DenseLayer;
import dev.harmonics.runtime.optim.OptimizerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints resume training bit for bit, and every bad file is refused with a clear message and
 * without touching the runtime. Small synthetic data; a few seconds.
 */
class CheckpointTest {

  private static final long SEED = 17;
  private static final ArraySampleSet[] DATA = Fixtures.blobs(640, 64, 10, 3, 1.0, 2);

  @TempDir
  Path dir;

  private static CycleRuntime runtime() {
    return CycleRuntime.compile(Fixtures.mlpWithDropout(10, 16, 3), Fixtures.kernels(), SEED);
  }

  private static FitOptions options() {
    return FitOptions.defaults().withOptimizer(OptimizerConfig.adamW()).withLearningRate(0.01)
        .withWeightDecay(0.01);
  }

  @Test
  void twoEpochsEqualOneSavedLoadedAndOneMore() throws IOException {
    float[] straight;
    try (CycleRuntime rt = runtime(); Producer<Batch> data = Fixtures.batches(DATA[0], 32, SEED)) {
      rt.bindProducer(data);
      rt.fit(2, options());
      straight = Fixtures.weights(rt);
    }
    Path file = dir.resolve("run.ckpt");
    try (CycleRuntime rt = runtime(); Producer<Batch> data = Fixtures.batches(DATA[0], 32, SEED)) {
      rt.bindProducer(data);
      rt.fit(1, options());
      rt.saveCheckpoint(file);
    }
    try (CycleRuntime rt = runtime(); Producer<Batch> data = Fixtures.batches(DATA[0], 32, SEED)) {
      rt.bindProducer(data);
      rt.loadCheckpoint(file);
      assertEquals(1, rt.epoch());
      assertEquals(20, rt.step());
      assertEquals(20, rt.updates());
      rt.fit(1, options());
      float[] resumed = Fixtures.weights(rt);
      assertEquals(straight.length, resumed.length);
      for (int i = 0; i < straight.length; i++) {
        assertEquals(Float.floatToRawIntBits(straight[i]), Float.floatToRawIntBits(resumed[i]),
            "weight " + i + ": " + straight[i] + " vs " + resumed[i]);
      }
    }
  }

  @Test
  void checkpointKeepsPrecisionPolicyAndBatchNormState() throws IOException {
    Path file = dir.resolve("precision.ckpt");
    PrecisionPolicy policy = new PrecisionPolicy.PerLayer(Map.of("h1", 8, "h2", 4),
        new PrecisionPolicy.EntropyLimit(0.001));
    try (CycleRuntime rt = runtime()) {
      rt.setPrecision(policy);
      rt.saveCheckpoint(file);
    }
    try (CycleRuntime rt = runtime()) {
      rt.loadCheckpoint(file);
      assertEquals(policy, rt.precision());
      assertEquals(8, ((DenseLayer) rt.layer("h1")).precisionBits());
      assertEquals(4, ((DenseLayer) rt.layer("h2")).precisionBits());
      assertEquals(10, ((DenseLayer) rt.layer("logits")).precisionBits());
    }
  }

  /** Saves a trained checkpoint and returns its bytes. */
  private byte[] goodCheckpoint(Path file) throws IOException {
    try (CycleRuntime rt = runtime(); Producer<Batch> data = Fixtures.batches(DATA[0], 32, SEED)) {
      rt.bindProducer(data);
      rt.fit(1, options());
      rt.saveCheckpoint(file);
    }
    return Files.readAllBytes(file);
  }

  /** Loading {@code bytes} into a fresh runtime fails with {@code expected}, changing nothing. */
  private void assertRefused(byte[] bytes, String expected) throws IOException {
    Path bad = dir.resolve("bad.ckpt");
    Files.write(bad, bytes);
    try (CycleRuntime rt = runtime()) {
      float[] before = Fixtures.weights(rt);
      CheckpointException e = assertThrows(CheckpointException.class, () -> rt.loadCheckpoint(bad));
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertTrue(e.getMessage().contains(bad.toString()), "names the file: " + e.getMessage());
      assertArrayEquals(before, Fixtures.weights(rt), "weights unchanged after a refused load");
      assertEquals(0, rt.step());
      assertEquals(0, rt.epoch());
      assertEquals(0, rt.updates());
    }
  }

  @Test
  void corruptedFileIsRefused() throws IOException {
    byte[] bytes = goodCheckpoint(dir.resolve("a.ckpt"));
    bytes[bytes.length / 2] ^= 0x40;
    assertRefused(bytes, "corrupted: CRC32C");
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    byte[] bytes = goodCheckpoint(dir.resolve("a.ckpt"));
    assertRefused(java.util.Arrays.copyOf(bytes, bytes.length - 100), "truncated");
    assertRefused(java.util.Arrays.copyOf(bytes, 12), "truncated");
  }

  @Test
  void wrongVersionIsRefused() throws IOException {
    byte[] bytes = goodCheckpoint(dir.resolve("a.ckpt"));
    ByteBuffer.wrap(bytes).putInt(8, 99);
    assertRefused(bytes, "format version 99 (expected: 1");
  }

  @Test
  void otherFilesAreRefused() throws IOException {
    assertRefused("harmonic fashion_mlp {}".getBytes(), "not a Harmonics checkpoint");
  }

  @Test
  void checkpointOfAnotherGraphIsRefused() throws IOException {
    Path other = dir.resolve("other.ckpt");
    try (CycleRuntime rt = CycleRuntime.compile(Fixtures.mlp(10, 16, 3), Fixtures.kernels(),
        SEED)) {
      rt.saveCheckpoint(other);
    }
    assertRefused(Files.readAllBytes(other), "saved from graph 'mlp'");
  }

  @Test
  void missingFileIsReported() {
    try (CycleRuntime rt = runtime()) {
      assertThrows(java.nio.file.NoSuchFileException.class,
          () -> rt.loadCheckpoint(dir.resolve("none.ckpt")));
    }
  }
}
