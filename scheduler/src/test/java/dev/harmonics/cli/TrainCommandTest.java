package dev.harmonics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code harmonics train} end to end on a tiny Fashion-MNIST look-alike written as real gzipped
 * IDX files (each class lights up its own band of rows), so the command, the data path, the
 * example graph, the report and the JSON are all exercised: a training test of a few seconds
 * (longer while the JIT warms up on a busy machine).
 */
class TrainCommandTest {

  private static final Path MLP = Path.of("../examples/fashion_mlp.harp");

  @TempDir
  Path dir;

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new HarmonicsCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private void writeSplit(String prefix, int n, Random random) throws IOException {
    byte[] pixels = new byte[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(10);
      labels[i] = (byte) label;
      for (int p = 0; p < 784; p++) {
        boolean lit = p / 28 / 3 == label;
        pixels[i * 784 + p] = (byte) (lit ? 150 + random.nextInt(100) : random.nextInt(60));
      }
    }
    writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803, new int[] {n, 28, 28}, pixels);
    writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801, new int[] {n}, labels);
  }

  private static void writeIdx(Path file, int magic, int[] dims, byte[] data) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
    for (int d : dims) {
      header.putInt(d);
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(header.array());
      out.write(data);
    }
  }

  @Test
  void trainsReportsAndWritesJson() throws IOException {
    Random random = new Random(1);
    writeSplit("train", 500, random);
    writeSplit("t10k", 100, random);
    Path json = dir.resolve("result.json");
    Path checkpoint = dir.resolve("mlp.ckpt");
    Run r = run("train", "--dataset", "fashion-mnist", "--model", MLP.toString(), "--epochs", "2",
        "--batch", "50", "--data-dir", dir.toString(), "--json", json.toString(), "--target",
        "0.5", "--checkpoint", checkpoint.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("fashion_mlp"), r.out());
    assertTrue(r.out().contains("epoch 2/2 done: train loss"), r.out());
    assertTrue(r.out().contains("time to 0.50 test accuracy: "), r.out());
    JsonNode result = new ObjectMapper().readTree(json.toFile());
    assertEquals("fashion_mlp", result.get("graph").asText());
    assertEquals(235_146, result.get("parameters").asLong());
    assertEquals(2, result.get("epochs").asInt());
    assertEquals(2, result.get("testAccuracyByEpoch").size());
    assertTrue(result.get("testAccuracy").asDouble() > 0.9, result.toString());
    assertTrue(result.get("samplesPerSecond").asDouble() > 0, result.toString());
    assertTrue(Files.size(checkpoint) > 235_146 * 4, "weights and Adam moments saved");

    Run resumed = run("train", "--dataset", "fashion-mnist", "--model", MLP.toString(),
        "--epochs", "1", "--batch", "50", "--data-dir", dir.toString(), "--resume",
        checkpoint.toString(), "--progress", "bar");
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.out().contains("resumed from " + checkpoint + " at epoch 2, step 20"),
        resumed.out());
    assertTrue(resumed.out().contains("epoch 1/1 done: train loss"), "the bar ends each epoch"
        + " with the same summary line: " + resumed.out());
  }

  @Test
  void missingDataSetSaysWhatToInstall() {
    Run r = run("train", "--dataset", "fashion-mnist", "--model", MLP.toString(), "--data-dir",
        dir.resolve("nowhere").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("Fashion-MNIST is not installed: install it with `apt-get install"
        + " -y dataset-fashion-mnist`"), r.err());
  }

  @Test
  void unknownDataSetAndModelAreNamed() {
    Run r = run("train", "--dataset", "cifar", "--model", "mlp");
    assertEquals(1, r.status());
    assertEquals("harmonics train: --dataset cifar (expected: fashion-mnist)\n", r.err());
    r = run("train", "--dataset", "fashion-mnist", "--model", MLP.toString(), "--progress",
        "dots");
    assertEquals(1, r.status());
    assertEquals("harmonics train: --progress dots (expected: bar, lines or auto)\n", r.err());
    r = run("train", "--dataset", "fashion-mnist", "--model", dir.resolve("no.harp").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("no.harp"), r.err());
  }
}
