package dev.harmonics.bench.tensor;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.bench.Work;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What tensor storage costs: the same single-threaded Vector API loops (axpy {@code y = a*x + y}
 * and an out-of-place relu) over float[] arrays, heap segments ({@code MemorySegment.ofArray}) and
 * native segments (the {@link Tensor} default), plus the price of allocating and freeing a small
 * tensor against {@code new float[]}. The figures and the decision they support are in
 * {@code docs/tensors.md}.
 *
 * <p>The loops use the preferred species directly: the kernels' {@code SimdSpecies} is private to
 * kernels-java, and this benchmark measures memory access, not a kernel. The operands and the
 * allocation sizes are separate nested states so each benchmark runs only its own parameters.
 */
public class StorageBenchmark extends KernelBenchmark {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
  /** Small enough that y stays finite however long the benchmark repeats axpy in place. */
  private static final float A = 1e-3f;
  private static final long AXPY_BYTES_PER_ELEMENT = 3L * Float.BYTES;
  private static final long RELU_BYTES_PER_ELEMENT = 2L * Float.BYTES;

  /** The operands, held three ways with the same values. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"1024", "65536", "4194304"})
    public int size;

    float[] xArray;
    float[] yArray;
    MemorySegment xHeap;
    MemorySegment yHeap;
    MemorySegment xNative;
    MemorySegment yNative;
    private Tensor xTensor;
    private Tensor yTensor;

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom random = new SplittableRandom(42);
      float[] x = new float[size];
      float[] y = new float[size];
      for (int i = 0; i < size; i++) {
        x[i] = (float) random.nextDouble(-1, 1);
        y[i] = (float) random.nextDouble(-1, 1);
      }
      xArray = x.clone();
      yArray = y.clone();
      xHeap = MemorySegment.ofArray(x.clone());
      yHeap = MemorySegment.ofArray(y.clone());
      xTensor = Tensor.of(x, size);
      yTensor = Tensor.of(y, size);
      xNative = xTensor.data();
      yNative = yTensor.data();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      xTensor.close();
      yTensor.close();
    }
  }

  /** Sizes for the allocation benchmarks: small tensors, where the fixed cost dominates. */
  @State(Scope.Benchmark)
  public static class Allocation {
    @Param({"16", "1024", "16384"})
    public int floats;
  }

  @Benchmark
  public float[] axpyArray(Data d, Work work) {
    float[] x = d.xArray;
    float[] y = d.yArray;
    int n = x.length;
    FloatVector a = FloatVector.broadcast(S, A);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, i).fma(a, FloatVector.fromArray(S, y, i)).intoArray(y, i);
    }
    for (; i < n; i++) {
      y[i] = Math.fma(x[i], A, y[i]);
    }
    work.bytes += n * AXPY_BYTES_PER_ELEMENT;
    return y;
  }

  @Benchmark
  public MemorySegment axpyHeapSegment(Data d, Work work) {
    axpy(d.xHeap, d.yHeap, d.size);
    work.bytes += d.size * AXPY_BYTES_PER_ELEMENT;
    return d.yHeap;
  }

  @Benchmark
  public MemorySegment axpyNativeSegment(Data d, Work work) {
    axpy(d.xNative, d.yNative, d.size);
    work.bytes += d.size * AXPY_BYTES_PER_ELEMENT;
    return d.yNative;
  }

  @Benchmark
  public float[] reluArray(Data d, Work work) {
    float[] x = d.xArray;
    float[] y = d.yArray;
    int n = x.length;
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
    }
    for (; i < n; i++) {
      y[i] = Math.max(x[i], 0f);
    }
    work.bytes += n * RELU_BYTES_PER_ELEMENT;
    return y;
  }

  @Benchmark
  public MemorySegment reluHeapSegment(Data d, Work work) {
    relu(d.xHeap, d.yHeap, d.size);
    work.bytes += d.size * RELU_BYTES_PER_ELEMENT;
    return d.yHeap;
  }

  @Benchmark
  public MemorySegment reluNativeSegment(Data d, Work work) {
    relu(d.xNative, d.yNative, d.size);
    work.bytes += d.size * RELU_BYTES_PER_ELEMENT;
    return d.yNative;
  }

  @Benchmark
  public float[] allocFloatArray(Allocation a) {
    return new float[a.floats];
  }

  /** {@code Tensor.allocate} owns a shared arena; closing one synchronises with every thread. */
  @Benchmark
  public Tensor allocTensorSharedArena(Allocation a) {
    Tensor t = Tensor.allocate(DType.FLOAT32, a.floats);
    t.close();
    return t;
  }

  /** The alternative for scratch tensors: a confined arena, freed without a handshake. */
  @Benchmark
  public Tensor allocTensorConfinedArena(Allocation a) {
    try (Arena arena = Arena.ofConfined()) {
      return Tensor.allocate(arena, DType.FLOAT32, a.floats);
    }
  }

  private static void axpy(MemorySegment x, MemorySegment y, int n) {
    FloatVector a = FloatVector.broadcast(S, A);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      long at = (long) i * Float.BYTES;
      FloatVector.fromMemorySegment(S, x, at, ORDER)
          .fma(a, FloatVector.fromMemorySegment(S, y, at, ORDER))
          .intoMemorySegment(y, at, ORDER);
    }
    for (; i < n; i++) {
      long at = (long) i * Float.BYTES;
      y.set(FLOAT, at, Math.fma(x.get(FLOAT, at), A, y.get(FLOAT, at)));
    }
  }

  private static void relu(MemorySegment x, MemorySegment y, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      long at = (long) i * Float.BYTES;
      FloatVector.fromMemorySegment(S, x, at, ORDER).max(0f).intoMemorySegment(y, at, ORDER);
    }
    for (; i < n; i++) {
      long at = (long) i * Float.BYTES;
      y.set(FLOAT, at, Math.max(x.get(FLOAT, at), 0f));
    }
  }
}
