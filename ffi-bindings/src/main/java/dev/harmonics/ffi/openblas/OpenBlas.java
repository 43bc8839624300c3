package dev.harmonics.ffi.openblas;

import dev.harmonics.ffi.loader.NativeLibraryExtractor;
import dev.harmonics.kernel.Availability;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * OpenBLAS through the FFM API: the reference point GEMM benchmarks compare against.
 *
 * <p>The library comes from the {@code org.bytedeco:openblas} {@code linux-x86_64} jar on the class
 * path; it is extracted once per user (see {@link NativeLibraryExtractor}) and opened in the global
 * arena, so it stays loaded for the life of the JVM. Its dependencies are opened first, in
 * dependency order, so the dynamic linker finds them by name even where the system has no copy
 * (only libopenblas itself carries an {@code $ORIGIN} run path).
 *
 * <p>Everything that can go wrong while loading (wrong platform, jar missing, a symbol missing)
 * ends up in {@link #availability()} as a reason; {@link #load()} throws with that reason.
 *
 * <p>{@code cblas_sgemm} is bound as an ordinary downcall, not {@link Linker.Option#critical}: a
 * critical call keeps the thread in Java state, which holds off safepoints (and so every GC and
 * every other thread reaching one) for the whole call, acceptable for calls of a microsecond, not
 * for a matrix product of milliseconds. Only the trivial getters are bound as critical.
 */
@SuppressWarnings("restricted")
public final class OpenBlas {

  private static final String RESOURCE_DIR = "org/bytedeco/openblas/linux-x86_64/";
  /** What libopenblas needs, dependencies before dependants. */
  private static final List<String> LIBRARIES =
      List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");
  private static final int ROW_MAJOR = 101;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;

  private final MethodHandle sgemm;
  private final MethodHandle setNumThreads;
  private final MethodHandle getNumThreads;
  private final MethodHandle getCoreName;
  private final Path directory;

  private OpenBlas(SymbolLookup lookup, Path directory) {
    Linker linker = Linker.nativeLinker();
    ValueLayout i32 = ValueLayout.JAVA_INT;
    ValueLayout f32 = ValueLayout.JAVA_FLOAT;
    ValueLayout ptr = ValueLayout.ADDRESS;
    this.sgemm = linker.downcallHandle(find(lookup, "cblas_sgemm"), FunctionDescriptor.ofVoid(
        i32, i32, i32, i32, i32, i32, f32, ptr, i32, ptr, i32, f32, ptr, i32));
    this.setNumThreads = linker.downcallHandle(find(lookup, "openblas_set_num_threads"),
        FunctionDescriptor.ofVoid(i32));
    this.getNumThreads = linker.downcallHandle(find(lookup, "openblas_get_num_threads"),
        FunctionDescriptor.of(i32), Linker.Option.critical(false));
    this.getCoreName = linker.downcallHandle(find(lookup, "openblas_get_corename"),
        FunctionDescriptor.of(ptr), Linker.Option.critical(false));
    this.directory = directory;
  }

  private static MemorySegment find(SymbolLookup lookup, String symbol) {
    return lookup.find(symbol).orElseThrow(() -> new IllegalStateException(
        "libopenblas has no symbol " + symbol));
  }

  /** Whether OpenBLAS could be loaded, with the reason if not. Never throws. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The loaded library, or an {@link UnsupportedOperationException} saying why it is missing. */
  public static OpenBlas load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException(
          "OpenBLAS is unavailable: " + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /**
   * {@code cblas_sgemm} in row-major order: {@code C = alpha·op(A)·op(B) + beta·C} with {@code
   * op(A)} of {@code m x k}, {@code op(B)} of {@code k x n} and C of {@code m x n}, each stored
   * row-major with the given leading dimension (elements between consecutive stored rows).
   *
   * @param a native memory holding A ({@code m x k}, or {@code k x m} when {@code transA})
   * @param b native memory holding B ({@code k x n}, or {@code n x k} when {@code transB})
   * @param c native memory holding C, which must not overlap A or B
   * @throws IllegalArgumentException if a size is negative, a leading dimension is too small, or a
   *     segment is on the heap or too short for its matrix (checked here because OpenBLAS would
   *     read or write out of bounds)
   */
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "m, n, k: " + m + ", " + n + ", " + k + " (expected: >= 0)");
    }
    checkMatrix("a", a, transA ? k : m, transA ? m : k, lda);
    checkMatrix("b", b, transB ? n : k, transB ? k : n, ldb);
    checkMatrix("c", c, m, n, ldc);
    try {
      sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
          alpha, a, lda, b, ldb, beta, c, ldc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static void checkMatrix(String name, MemorySegment s, int rows, int cols, int ld) {
    if (!s.isNative()) {
      throw new IllegalArgumentException(
          name + ": a heap segment (expected: native memory, e.g. Tensor.allocate)");
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          "ld" + name + ": " + ld + " (expected: >= " + Math.max(1, cols) + ")");
    }
    long needed = rows == 0 || cols == 0 ? 0 : ((long) (rows - 1) * ld + cols) * Float.BYTES;
    if (s.byteSize() < needed) {
      throw new IllegalArgumentException(name + ": " + s.byteSize() + " bytes (expected: >= "
          + needed + " for " + rows + " x " + cols + " floats with leading dimension " + ld + ")");
    }
  }

  /** Sets the number of threads OpenBLAS uses for later calls. */
  public void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    try {
      setNumThreads.invokeExact(threads);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The number of threads OpenBLAS currently uses. */
  public int numThreads() {
    try {
      return (int) getNumThreads.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The CPU kernels OpenBLAS chose at load time, such as {@code SkylakeX} or {@code Haswell}. */
  public String coreName() {
    try {
      MemorySegment name = (MemorySegment) getCoreName.invokeExact();
      return name.reinterpret(Integer.MAX_VALUE).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The directory the libraries were loaded from. */
  public Path directory() {
    return directory;
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static final class Holder {
    static final OpenBlas INSTANCE;
    static final Availability AVAILABILITY;

    static {
      OpenBlas loaded = null;
      Availability availability;
      try {
        loaded = open();
        availability = Availability.yes("OpenBLAS " + loaded.coreName() + ", "
            + loaded.numThreads() + " threads, from " + loaded.directory());
      } catch (Throwable t) {
        availability = Availability.no(describe(t));
      }
      INSTANCE = loaded;
      AVAILABILITY = availability;
    }

    private static OpenBlas open() throws IOException {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
      if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
        throw new UnsupportedOperationException("the bundled OpenBLAS is for linux-x86_64 only; "
            + "this JVM runs on " + os + "/" + arch);
      }
      ClassLoader loader = OpenBlas.class.getClassLoader();
      if (loader.getResource(RESOURCE_DIR + "libopenblas.so.0") == null) {
        throw new UnsupportedOperationException("org.bytedeco:openblas (classifier linux-x86_64) "
            + "is not on the class path: no resource " + RESOURCE_DIR + "libopenblas.so.0");
      }
      Path directory = NativeLibraryExtractor.extract("openblas-linux-x86_64", loader,
          RESOURCE_DIR, LIBRARIES);
      SymbolLookup lookup = null;
      for (String library : LIBRARIES) {
        lookup = SymbolLookup.libraryLookup(directory.resolve(library), Arena.global());
      }
      return new OpenBlas(lookup, directory);
    }

    private static String describe(Throwable t) {
      String message = t.getMessage() != null ? t.getMessage() : t.toString();
      return t instanceof UnsupportedOperationException ? message
          : "loading OpenBLAS failed: " + t.getClass().getSimpleName() + ": " + message;
    }
  }
}
