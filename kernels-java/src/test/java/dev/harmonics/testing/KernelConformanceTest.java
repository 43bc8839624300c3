package dev.harmonics.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;

/**
 * Base of every family's conformance suite. The reference backend is the oracle; a backend's test
 * class extends a family suite and names itself in {@link #candidate()}. New backends (native CPU,
 * OpenCL, CUDA) reuse the same suites through this module's test jar.
 *
 * <p>Tensors are off-heap, so a suite hands each one it allocates to {@link #track} and they are
 * all closed after the test, pass or fail.
 */
public abstract class KernelConformanceTest {

  protected static final long SEED = 0x5eed_2026L;

  /**
   * Seeded afresh for every test (JUnit makes a new instance per test), so a test's inputs do not
   * depend on which tests ran before it. A test that wants its own stream makes its own generator.
   */
  protected final RandomTensors random = new RandomTensors(SEED);

  /** A seed of its own for each parameterised case, so cases do not share inputs. */
  protected static long seedOf(Object testCase) {
    return SEED ^ testCase.toString().hashCode();
  }

  private final List<Tensor> tracked = new ArrayList<>();

  /** The backend under test. */
  protected abstract KernelProvider candidate();

  protected final KernelProvider reference() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  /** Closes {@code t} after the test; returns it. */
  protected final Tensor track(Tensor t) {
    tracked.add(t);
    return t;
  }

  /** A tracked float32 tensor of zeros. */
  protected final Tensor zeros(int... shape) {
    return track(Tensor.zeros(shape));
  }

  /** A tracked float32 tensor holding {@code values}. */
  protected final Tensor of(float[] values, int... shape) {
    return track(Tensor.of(values, shape));
  }

  /** A tracked tensor of uniform values in {@code [lo, hi)} from {@link #random}. */
  protected final Tensor uniform(float lo, float hi, int... shape) {
    return track(random.uniform(lo, hi, shape));
  }

  /** A tracked tensor of uniform values in {@code [-1, 1)} from {@link #random}. */
  protected final Tensor uniform(int... shape) {
    return track(random.uniform(shape));
  }

  /** Fails unless {@code call} rejects its arguments with a message naming every fragment. */
  protected static void expectError(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment),
          "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }
  }

  @AfterEach
  protected final void closeTrackedTensors() {
    tracked.forEach(Tensor::close);
    tracked.clear();
  }
}
