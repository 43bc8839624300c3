package dev.harmonics.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/** Shared pieces of the transport tests: a fast link policy, seeded tensors, comparisons. */
public final class TransportFixtures {

  /** Short backoffs and liveness timers so failure tests finish in well under a second each. */
  public static final LinkPolicy FAST = new LinkPolicy(3, Duration.ofMillis(20),
      Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(200),
      Duration.ofSeconds(2));

  public static final Duration WAIT = Duration.ofSeconds(10);

  private TransportFixtures() {}

  /** A tensor of {@code dtype} and {@code shape} with seeded values spanning the dtype's range. */
  public static Tensor random(DType dtype, long seed, int... shape) {
    Tensor t = Tensor.allocate(dtype, shape);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < t.size(); i++) {
      switch (dtype) {
        case FLOAT32 -> t.setFlat(i, (float) random.nextGaussian());
        case INT8 -> t.setByteFlat(i, (byte) random.nextInt(-128, 128));
        case INT32 -> t.setIntFlat(i, random.nextInt());
      }
    }
    return t;
  }

  /** A float32 tensor of {@code bytes / 4} elements with a compressible pattern. */
  public static Tensor compressible(int elements) {
    Tensor t = Tensor.zeros(elements);
    for (int i = 0; i < elements; i += 7) {
      t.setFlat(i, i % 13);
    }
    return t;
  }

  /** Same dtype, shape and bytes. */
  public static void assertSameTensor(Tensor expected, Tensor actual) {
    assertEquals(expected.dtype(), actual.dtype(), "dtype");
    assertArrayEquals(expected.shape(), actual.shape(), "shape");
    assertArrayEquals(expected.data().toArray(ValueLayout.JAVA_BYTE),
        actual.data().toArray(ValueLayout.JAVA_BYTE), "payload of " + expected.describe());
  }

  /** Same name, proof and tensor. */
  public static void assertSameMessage(TensorMessage expected, TensorMessage actual) {
    assertEquals(expected.name(), actual.name(), "name");
    assertArrayEquals(expected.proof(), actual.proof(), "proof of " + expected.name());
    assertSameTensor(expected.tensor(), actual.tensor());
  }

  /**
   * Sends tensors of every dtype and of scalar, empty and multi-dimensional shapes from
   * {@code client} to {@code server} and each one back, checking each arrives unchanged.
   */
  public static void roundTripEveryDtypeAndShape(TensorChannel client, TensorChannel server) {
    List<TensorMessage> sent = List.of(
        new TensorMessage("f32", random(DType.FLOAT32, 1, 3, 4)),
        new TensorMessage("scalar", random(DType.FLOAT32, 2)),
        new TensorMessage("empty", random(DType.FLOAT32, 3, 0, 5)),
        new TensorMessage("i8", random(DType.INT8, 4, 2, 3, 7), new byte[] {9, 8, 7}),
        new TensorMessage("i32", random(DType.INT32, 5, 1000)));
    for (TensorMessage m : sent) {
      client.send(m);
      assertSameMessage(m, server.receive(WAIT).orElseThrow());
      server.send(m);
      assertSameMessage(m, client.receive(WAIT).orElseThrow());
    }
    sent.forEach(m -> m.tensor().close());
  }
}
