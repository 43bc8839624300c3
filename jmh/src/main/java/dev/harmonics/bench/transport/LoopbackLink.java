package dev.harmonics.bench.transport;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.ListeningChannel;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorChannel;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.Transport;
import dev.harmonics.transport.Transports;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A client and a server of one transport on the loopback interface, and the tensor they carry.
 * The data looks like a ReLU activation (about half zeros, the rest Gaussian): what a partition
 * boundary really carries, and neither all-compressible nor incompressible.
 */
@State(Scope.Benchmark)
public class LoopbackLink {

  @Param({"tcp", "grpc"})
  public String transport;

  /** Payload bytes per tensor: 4 KB, 1 MB, 16 MB. */
  @Param({"4096", "1048576", "16777216"})
  public int bytes;

  @Param({"false", "true"})
  public boolean compress;

  ListeningChannel server;
  TensorChannel client;
  TensorMessage message;
  private Tensor tensor;

  @Setup
  public void open() {
    RemoteBinding binding = RemoteBinding.of("bench", "127.0.0.1", 0,
        Transport.valueOf(transport.toUpperCase(Locale.ROOT))).withCompress(compress);
    server = Transports.listen(binding, LinkPolicy.DEFAULT);
    client = Transports.connect(binding.withPort(server.port()), LinkPolicy.DEFAULT);
    tensor = Tensor.zeros(bytes / Float.BYTES);
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < tensor.size(); i++) {
      tensor.setFlat(i, (float) Math.max(0, random.nextGaussian()));
    }
    message = new TensorMessage("activations", tensor);
  }

  /** Sends the tensor and takes it out of the server's inbox: one acknowledged hand-over. */
  void roundTrip() {
    client.send(message);
    server.receive(Duration.ofSeconds(30)).orElseThrow().tensor().close();
  }

  @TearDown
  public void close() {
    client.close();
    server.close();
    tensor.close();
  }
}
