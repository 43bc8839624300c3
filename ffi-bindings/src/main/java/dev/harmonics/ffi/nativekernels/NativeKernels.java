package dev.harmonics.ffi.nativekernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.harmonics.ffi.loader.HarmonicsNativeLibraries;
import dev.harmonics.kernel.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Hand-written FFM bindings to {@code libharmonics_native}, Harmonics' own C kernels
 * ({@code kernels-native/src/c}, C header {@code harmonics_native.h}).
 *
 * <p>The library is found by {@link HarmonicsNativeLibraries} (a user build named by {@code
 * -Dharmonics.native.path}, else the copy in the kernels-native jar), loaded on first use into the
 * global arena and never unloaded. Whatever goes wrong while loading ends up in {@link
 * #availability()}; {@link #load()} throws with that reason.
 *
 * <p>The library picks an instruction set level from cpuid. The {@value #ISA_PROPERTY} system
 * property (or the {@code HARMONICS_NATIVE_ISA} environment variable) lowers it, for example to
 * compare levels; a level this CPU lacks makes the library unavailable, with the reason.
 *
 * <p>Methods here are thin: they check that each segment is large enough for what the C function
 * will touch (so a wrong size is an {@link IllegalArgumentException}, never a stray write), pass
 * everything else through, and turn a negative status into a {@link NativeKernelException} naming
 * the C function. Kernels are single-threaded; callers split work across threads themselves.
 */
public final class NativeKernels {

  /** System property lowering the instruction set level, e.g. {@code avx2} or {@code generic}. */
  public static final String ISA_PROPERTY = "harmonics.native.isa";
  /** The library file name. */
  public static final String LIBRARY = "libharmonics_native.so";
  /** The C ABI version this binding was written against ({@code HN_ABI_VERSION}). */
  static final int ABI_VERSION = 4;
  /** {@code HN_ACT_GELU_TANH}, the ordinal of {@code Activation.GELU_TANH}. */
  public static final int ACTIVATION_GELU_TANH = 7;
  /** {@code HN_ACT_SIGMOID}, the ordinal of {@code Activation.SIGMOID}. */
  public static final int ACTIVATION_SIGMOID = 8;
  /** {@code HN_ACT_TANH}, the ordinal of {@code Activation.TANH}. */
  public static final int ACTIVATION_TANH = 9;
  /** Calls doing less work than this many elements use the critical downcall (see Downcall). */
  static final long SHORT_CALL_WORK = 1L << 14;

  private static final FunctionDescriptor INT_OF_VOID = FunctionDescriptor.of(JAVA_INT);

  private final Path path;
  private final MethodHandle abiVersion;
  private final MethodHandle isaSupported;
  private final MethodHandle isaActive;
  private final MethodHandle setIsa;
  private final MethodHandle statusName;
  private final Downcall noop;
  private final Downcall sgemm;
  private final Downcall sgemmRowBias;
  private final Downcall gemmS8;
  private final Downcall reluForward;
  private final Downcall activationForward;
  private final Downcall reluBackward;
  private final Downcall add;
  private final Downcall softmaxRows;
  private final Downcall layerNormForward;
  private final Downcall adam;
  private final Downcall sgd;

  private NativeKernels(SymbolLookup lookup, Path path) {
    this.path = path;
    this.abiVersion = Downcall.bind(lookup, "hn_abi_version", INT_OF_VOID).critical();
    this.isaSupported = Downcall.bind(lookup, "hn_isa_supported", INT_OF_VOID).critical();
    this.isaActive = Downcall.bind(lookup, "hn_isa_active", INT_OF_VOID).critical();
    this.setIsa = Downcall.bind(lookup, "hn_set_isa",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT)).critical();
    this.statusName = Downcall.bind(lookup, "hn_status_name",
        FunctionDescriptor.of(ADDRESS, JAVA_INT)).critical();
    this.noop = Downcall.bind(lookup, "hn_noop", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    FunctionDescriptor sgemmShape = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
        JAVA_FLOAT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_FLOAT);
    this.sgemm = Downcall.bind(lookup, "hn_sgemm", sgemmShape);
    this.sgemmRowBias = Downcall.bind(lookup, "hn_sgemm_row_bias", sgemmShape);
    this.gemmS8 = Downcall.bind(lookup, "hn_gemm_s8s8s32", FunctionDescriptor.of(JAVA_INT,
        JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS,
        JAVA_LONG));
    this.reluForward = Downcall.bind(lookup, "hn_relu_forward",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_FLOAT, JAVA_INT, ADDRESS));
    this.activationForward = Downcall.bind(lookup, "hn_activation_forward",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    this.reluBackward = Downcall.bind(lookup, "hn_relu_backward",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_FLOAT, ADDRESS));
    this.add = Downcall.bind(lookup, "hn_add",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
    this.softmaxRows = Downcall.bind(lookup, "hn_softmax_rows",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT));
    this.layerNormForward = Downcall.bind(lookup, "hn_layer_norm_forward",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS,
            JAVA_FLOAT, ADDRESS, ADDRESS, ADDRESS));
    this.adam = Downcall.bind(lookup, "hn_adam_update", FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
        ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT,
        JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
    this.sgd = Downcall.bind(lookup, "hn_sgd_update", FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
        ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_INT, JAVA_FLOAT,
        JAVA_INT, JAVA_INT));
  }

  /** Whether the library could be loaded, with the ISA level or the reason. Never throws. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The loaded library, or an {@link UnsupportedOperationException} saying why it is missing. */
  public static NativeKernels load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException(
          "libharmonics_native is unavailable: " + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /** The file the library was loaded from. */
  public Path path() {
    return path;
  }

  /** The best level this CPU and this build of the library support. */
  public Isa supportedIsa() {
    try {
      return Isa.ofLevel((int) isaSupported.invokeExact());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The level kernels run at now. */
  public Isa activeIsa() {
    try {
      return Isa.ofLevel((int) isaActive.invokeExact());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Runs later kernels at {@code isa}, for every thread of this JVM.
   *
   * @throws NativeKernelException if {@code isa} is above {@link #supportedIsa()}
   */
  public void setIsa(Isa isa) {
    int status;
    try {
      status = (int) setIsa.invokeExact(isa.ordinal());
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_set_isa", status);
  }

  int abiVersion() {
    try {
      return (int) abiVersion.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code hn_noop(x)}, an ordinary downcall that returns {@code x}: the cost of the call. */
  public int noop(int x) {
    try {
      return (int) noop.plain().invokeExact(x);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@code hn_noop(x)} as a critical downcall. */
  public int noopCritical(int x) {
    try {
      return (int) noop.critical().invokeExact(x);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code hn_sgemm}: {@code C = act(alpha·op(A)·op(B) + beta·C + bias)} on row-major float
   * matrices with leading dimensions in elements; {@code bias} is {@link MemorySegment#NULL} for
   * none, {@code activation} 0 identity, 1 relu, 2 leaky relu, 3 prelu (slope {@code actAlpha}).
   */
  public void sgemm(boolean transA, boolean transB, long m, long n, long k, float alpha,
      MemorySegment a, long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc,
      MemorySegment bias, int activation, float actAlpha) {
    sgemm(sgemm, "hn_sgemm", n, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
        bias, activation, actAlpha);
  }

  /**
   * {@code hn_sgemm_row_bias}: as {@link #sgemm}, but {@code bias} holds {@code m} values, one
   * added to every element of its row of C (a convolution's bias over its output channels).
   */
  public void sgemmRowBias(boolean transA, boolean transB, long m, long n, long k, float alpha,
      MemorySegment a, long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc,
      MemorySegment bias, int activation, float actAlpha) {
    sgemm(sgemmRowBias, "hn_sgemm_row_bias", m, transA, transB, m, n, k, alpha, a, lda, b, ldb,
        beta, c, ldc, bias, activation, actAlpha);
  }

  private void sgemm(Downcall call, String name, long biasLength, boolean transA, boolean transB,
      long m, long n, long k, float alpha, MemorySegment a, long lda, MemorySegment b, long ldb,
      float beta, MemorySegment c, long ldc, MemorySegment bias, int activation, float actAlpha) {
    requireMatrix("a", a, transA ? k : m, transA ? m : k, lda, Float.BYTES);
    requireMatrix("b", b, transB ? n : k, transB ? k : n, ldb, Float.BYTES);
    requireMatrix("c", c, m, n, ldc, Float.BYTES);
    if (!bias.equals(MemorySegment.NULL)) {
      requireBytes("bias", bias, biasLength * Float.BYTES);
    }
    MethodHandle h = call.choose(m * n * Math.max(k, 1) < SHORT_CALL_WORK, a, b, c, bias);
    int status;
    try {
      status = (int) h.invokeExact(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb,
          beta, c, ldc, bias, activation, actAlpha);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(name, status);
  }

  /** {@code hn_gemm_s8s8s32}: int8 {@code A [m, k]} times int8 {@code B [k, n]} into int32 C. */
  public void gemmS8(long m, long n, long k, MemorySegment a, long lda, MemorySegment b, long ldb,
      MemorySegment c, long ldc) {
    requireMatrix("a", a, m, k, lda, Byte.BYTES);
    requireMatrix("b", b, k, n, ldb, Byte.BYTES);
    requireMatrix("c", c, m, n, ldc, Integer.BYTES);
    MethodHandle h = gemmS8.choose(m * n * Math.max(k, 1) < SHORT_CALL_WORK, a, b, c);
    int status;
    try {
      status = (int) h.invokeExact(m, n, k, a, lda, b, ldb, c, ldc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_gemm_s8s8s32", status);
  }

  /**
   * {@code hn_relu_forward}: ReLU of n floats ({@code +0} for x <= 0), or with {@code leaky} the
   * leaky form {@code x > 0 ? x : slope * x}.
   */
  public void reluForward(long n, MemorySegment x, float slope, boolean leaky, MemorySegment y) {
    requireBytes("x", x, n * Float.BYTES);
    requireBytes("y", y, n * Float.BYTES);
    int status;
    try {
      status = (int) reluForward.choose(n < SHORT_CALL_WORK, x, y)
          .invokeExact(n, x, slope, leaky ? 1 : 0, y);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_relu_forward", status);
  }

  /**
   * {@code hn_activation_forward}: {@code y = f(x)} over n floats for {@link
   * #ACTIVATION_SIGMOID}, {@link #ACTIVATION_TANH} or {@link #ACTIVATION_GELU_TANH} (the ordinals
   * of {@code dev.harmonics.kernel.Activation}); {@code y} may be {@code x}. Outputs of 4 MB and
   * more are written with streaming stores.
   */
  public void activationForward(int activation, long n, MemorySegment x, MemorySegment y) {
    requireBytes("x", x, n * Float.BYTES);
    requireBytes("y", y, n * Float.BYTES);
    int status;
    try {
      status = (int) activationForward.choose(n < SHORT_CALL_WORK, x, y)
          .invokeExact(activation, n, x, y);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_activation_forward", status);
  }

  /**
   * {@code hn_add}: {@code y = a + b} over n floats; {@code y} may be {@code a} or {@code b}.
   * Outputs of 4 MB and more are written with streaming stores.
   */
  public void add(long n, MemorySegment a, MemorySegment b, MemorySegment y) {
    requireBytes("a", a, n * Float.BYTES);
    requireBytes("b", b, n * Float.BYTES);
    requireBytes("y", y, n * Float.BYTES);
    int status;
    try {
      status = (int) add.choose(n < SHORT_CALL_WORK, a, b, y).invokeExact(n, a, b, y);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_add", status);
  }

  /** {@code hn_relu_backward}: {@code dx = dy * (x > 0 ? 1 : slope)}, NaN in x giving NaN. */
  public void reluBackward(long n, MemorySegment x, MemorySegment dy, float slope,
      MemorySegment dx) {
    requireBytes("x", x, n * Float.BYTES);
    requireBytes("dy", dy, n * Float.BYTES);
    requireBytes("dx", dx, n * Float.BYTES);
    int status;
    try {
      status = (int) reluBackward.choose(n < SHORT_CALL_WORK, x, dy, dx)
          .invokeExact(n, x, dy, slope, dx);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_relu_backward", status);
  }

  /** {@code hn_softmax_rows}: softmax (or log-softmax) of {@code rows} rows of {@code len}. */
  public void softmaxRows(long rows, long len, MemorySegment x, MemorySegment y, boolean log) {
    requireBytes("x", x, rows * len * Float.BYTES);
    requireBytes("y", y, rows * len * Float.BYTES);
    int status;
    try {
      status = (int) softmaxRows.choose(rows * len < SHORT_CALL_WORK, x, y)
          .invokeExact(rows, len, x, y, log ? 1 : 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_softmax_rows", status);
  }

  /**
   * {@code hn_layer_norm_forward} over {@code rows} rows of {@code len}; {@code mean} and {@code
   * rstd} may be {@link MemorySegment#NULL}.
   */
  public void layerNormForward(long rows, long len, MemorySegment x, MemorySegment gamma,
      MemorySegment beta, float eps, MemorySegment y, MemorySegment mean, MemorySegment rstd) {
    requireBytes("x", x, rows * len * Float.BYTES);
    requireBytes("y", y, rows * len * Float.BYTES);
    requireBytes("gamma", gamma, len * Float.BYTES);
    requireBytes("beta", beta, len * Float.BYTES);
    requireOptional("mean", mean, rows * Float.BYTES);
    requireOptional("rstd", rstd, rows * Float.BYTES);
    int status;
    try {
      status = (int) layerNormForward.choose(rows * len < SHORT_CALL_WORK, x, gamma, beta, y, mean,
          rstd).invokeExact(rows, len, x, gamma, beta, eps, y, mean, rstd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_layer_norm_forward", status);
  }

  /** {@code hn_adam_update} over n parameters; see the C header for the exact float steps. */
  public void adam(long n, MemorySegment param, MemorySegment grad, MemorySegment m,
      MemorySegment v, MemorySegment maxV, float shrink, boolean coupled, float weightDecay,
      float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
      float inverseRootCorrection2, float eps, float negativeStepSize) {
    long bytes = n * Float.BYTES;
    requireBytes("param", param, bytes);
    requireBytes("grad", grad, bytes);
    requireBytes("m", m, bytes);
    requireBytes("v", v, bytes);
    requireOptional("maxV", maxV, bytes);
    int status;
    try {
      status = (int) adam.choose(n < SHORT_CALL_WORK, param, grad, m, v, maxV).invokeExact(n,
          param, grad, m, v, maxV, shrink, coupled ? 1 : 0, weightDecay, beta1, oneMinusBeta1,
          beta2, oneMinusBeta2, inverseRootCorrection2, eps, negativeStepSize);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_adam_update", status);
  }

  /** {@code hn_sgd_update} over n parameters; {@code buf} is NULL without momentum. */
  public void sgd(long n, MemorySegment param, MemorySegment grad, MemorySegment buf,
      float negativeLr, float momentum, float keep, boolean decay, float weightDecay,
      boolean nesterov, boolean first) {
    long bytes = n * Float.BYTES;
    requireBytes("param", param, bytes);
    requireBytes("grad", grad, bytes);
    requireOptional("buf", buf, bytes);
    int status;
    try {
      status = (int) sgd.choose(n < SHORT_CALL_WORK, param, grad, buf).invokeExact(n, param, grad,
          buf, negativeLr, momentum, keep, decay ? 1 : 0, weightDecay, nesterov ? 1 : 0,
          first ? 1 : 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check("hn_sgd_update", status);
  }

  private void check(String call, int status) {
    if (status < 0) {
      throw new NativeKernelException(call, status, statusName(status));
    }
  }

  String statusName(int status) {
    try {
      MemorySegment name = (MemorySegment) statusName.invokeExact(status);
      return name.reinterpret(256).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Negative sizes are left for the C side to reject (it returns an error status). */
  private static void requireMatrix(String name, MemorySegment s, long rows, long cols, long ld,
      int elementBytes) {
    if (rows <= 0 || cols <= 0 || ld < cols) {
      return;
    }
    requireBytes(name, s, ((rows - 1) * ld + cols) * elementBytes);
  }

  private static void requireOptional(String name, MemorySegment s, long bytes) {
    if (!s.equals(MemorySegment.NULL)) {
      requireBytes(name, s, bytes);
    }
  }

  private static void requireBytes(String name, MemorySegment s, long bytes) {
    if (bytes > 0 && s.byteSize() < bytes) {
      throw new IllegalArgumentException(name + ": " + s.byteSize() + " bytes (expected: >= "
          + bytes + ")");
    }
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static final class Holder {
    static final NativeKernels INSTANCE;
    static final Availability AVAILABILITY;

    static {
      NativeKernels loaded = null;
      Availability availability;
      try {
        loaded = open();
        availability = Availability.yes("libharmonics_native, ISA " + loaded.activeIsa().id()
            + (loaded.activeIsa() != loaded.supportedIsa()
                ? " (lowered from " + loaded.supportedIsa().id() + ")" : "")
            + ", from " + loaded.path());
      } catch (Throwable t) {
        loaded = null;
        String message = t.getMessage() != null ? t.getMessage() : t.toString();
        availability = Availability.no(t instanceof UnsupportedOperationException ? message
            : "loading libharmonics_native failed: " + message);
      }
      INSTANCE = loaded;
      AVAILABILITY = availability;
    }

    @SuppressWarnings("restricted")
    private static NativeKernels open() throws Exception {
      Path path = HarmonicsNativeLibraries.locate(LIBRARY);
      NativeKernels kernels =
          new NativeKernels(SymbolLookup.libraryLookup(path, Arena.global()), path);
      int abi = kernels.abiVersion();
      if (abi != ABI_VERSION) {
        throw new UnsupportedOperationException(path + " has C ABI version " + abi
            + " but this binding expects " + ABI_VERSION + "; rebuild kernels-native");
      }
      String requested = System.getProperty(ISA_PROPERTY);
      if (requested == null || requested.isBlank()) {
        requested = System.getenv("HARMONICS_NATIVE_ISA");
      }
      if (requested != null && !requested.isBlank()) {
        Isa isa = Isa.fromId(requested);
        if (isa.compareTo(kernels.supportedIsa()) > 0) {
          throw new UnsupportedOperationException("-D" + ISA_PROPERTY + "=" + requested
              + " asks for more than this CPU supports (" + kernels.supportedIsa().id() + ")");
        }
        kernels.setIsa(isa);
      }
      return kernels;
    }
  }
}
