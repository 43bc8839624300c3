package dev.harmonics.bench.ffi;

import dev.harmonics.bench.KernelBenchmark;
import dev.harmonics.ffi.nativekernels.NativeKernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one call into native code costs: the same do-nothing function ({@code int f(int x) { return
 * x; }}) called through an ordinary FFM downcall, a critical FFM downcall, JNI, and as a Java
 * method the JIT may not inline. The difference between the FFM rows is the thread state
 * transition that a critical call skips; it decides which kernel calls are bound critical (see
 * {@code docs/native.md}). Nanoseconds per call, lower is better.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DowncallBenchmark extends KernelBenchmark {

  private NativeKernels kernels;
  private int x;

  @Setup(Level.Trial)
  public void setUp() {
    kernels = NativeKernels.load();
    x = 42;
    JniNoop.noop(x);
  }

  @Benchmark
  public int ffm() {
    return kernels.noop(x);
  }

  @Benchmark
  public int ffmCritical() {
    return kernels.noopCritical(x);
  }

  @Benchmark
  public int jni() {
    return JniNoop.noop(x);
  }

  @Benchmark
  public int java() {
    return javaNoop(x);
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  private static int javaNoop(int value) {
    return value;
  }
}
