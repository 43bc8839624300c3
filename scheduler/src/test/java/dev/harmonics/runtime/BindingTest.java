package dev.harmonics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harmonics.data.Batch;
import dev.harmonics.data.Producer;
import dev.harmonics.data.SampleSpec;
import org.junit.jupiter.api.Test;

/** bindProducer checks shapes from the producer's spec and reads nothing. */
class BindingTest {

  /** A producer that only has a spec; reading from it fails the test. */
  private static Producer<Batch> specOnly(int classes, int... shape) {
    SampleSpec spec = new SampleSpec(shape, classes);
    return new Producer<>() {
      @Override
      public SampleSpec spec() {
        return spec;
      }

      @Override
      public boolean hasNext() {
        throw new AssertionError("bindProducer must not read");
      }

      @Override
      public Batch next() {
        throw new AssertionError("bindProducer must not read");
      }

      @Override
      public void reset() {
        throw new AssertionError("bindProducer must not read");
      }

      @Override
      public int epoch() {
        return 0;
      }

      @Override
      public long size() {
        return 10;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void matchingShapesBindWithoutReading() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(784, 8, 10),
        Fixtures.kernels(), 1)) {
      runtime.bindProducer(specOnly(10, 784));
      runtime.bindProducer(specOnly(10, 1, 28, 28));
      runtime.bindProducer(specOnly(0, 784), "x", null);
    }
  }

  @Test
  void wrongFeatureShapeIsRefused() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(784, 8, 10),
        Fixtures.kernels(), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runtime.bindProducer(specOnly(10, 1, 28, 27)));
      assertEquals("producer with features float32[1, 28, 27], labels in [0, 10) cannot feed node"
          + " 'x' of shape {784} (expected: features [784], or the same number of elements for a"
          + " flat node)", e.getMessage());
    }
  }

  @Test
  void wrongClassCountIsRefused() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(784, 8, 10),
        Fixtures.kernels(), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runtime.bindProducer(specOnly(5, 784)));
      assertEquals("producer labels in [0, 5) cannot feed target 'labels' of loss tap"
          + " 'probabilities <-(cross_entropy)- labels' (expected: 10 classes, one label per"
          + " sample)", e.getMessage());
    }
  }

  @Test
  void labelsMustGoToAClassIndexTarget() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(784, 8, 10),
        Fixtures.kernels(), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runtime.bindProducer(specOnly(10, 784), "x", "x"));
      assertEquals("node 'x' is not the target of a class-index loss tap (expected one of"
          + " [labels])", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> runtime.bindProducer(specOnly(10, 784), "h1", null));
      assertEquals("node 'h1' is a layer (expected: a producer of graph 'mlp')", e.getMessage());
    }
  }

  @Test
  void fitWithoutBindingSaysSo() {
    try (CycleRuntime runtime = CycleRuntime.compile(Fixtures.mlp(4, 8, 2),
        Fixtures.kernels(), 1)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> runtime.fit(1));
      assertEquals("no producer bound: call bindProducer first", e.getMessage());
    }
  }
}
