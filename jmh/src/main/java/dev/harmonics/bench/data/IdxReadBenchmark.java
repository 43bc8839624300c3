package dev.harmonics.bench.data;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.data.FashionMnist;
import dev.harmonics.data.idx.IdxArray;
import dev.harmonics.data.idx.IdxReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading Fashion-MNIST's training images (60,000 x 28 x 28 bytes) from the gzip file the
 * package installs, or from an unpacked copy; bytes counted are the IDX file's uncompressed size,
 * so the rate compares the two forms directly.
 */
@State(Scope.Benchmark)
public class IdxReadBenchmark extends KernelBenchmark {

  /** {@code gzip}: the installed file; {@code plain}: an unpacked copy in a temporary file. */
  @Param({"gzip", "plain"})
  public String form;

  private Path file;
  private Path unpacked;
  private long bytes;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    FashionMnistFiles.require();
    Path installed = FashionMnist.Split.TRAIN.images(FashionMnist.directory());
    file = switch (form) {
      case "gzip" -> installed;
      case "plain" -> unpacked = unpack(installed);
      default -> throw new IllegalArgumentException("form: " + form + " (expected gzip or plain)");
    };
    IdxArray a = IdxReader.read(file);
    bytes = 4 + 4L * a.dims().length + (long) a.count() * a.itemSize() * a.type().byteSize();
  }

  private static Path unpack(Path gz) throws IOException {
    Path out = Files.createTempFile("harmonics-idx-", ".idx");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      Files.write(out, in.readAllBytes());
    }
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (unpacked != null) {
      Files.deleteIfExists(unpacked);
    }
  }

  @Benchmark
  public IdxArray read(Work work) throws IOException {
    IdxArray a = IdxReader.read(file);
    work.bytes += bytes;
    return a;
  }
}
