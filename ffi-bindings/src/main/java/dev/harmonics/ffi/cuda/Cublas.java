package dev.harmonics.ffi.cuda;

import dev.harmonics.kernel.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.regex.Pattern;

/**
 * cuBLAS ({@code libcublas.so.*} of a CUDA installation) through FFM: handles, streams and the
 * single-precision GEMMs. Matrices are column-major, as cuBLAS defines them; {@code alpha} and
 * {@code beta} are passed from host memory (the default pointer mode).
 *
 * <p>Loaded once, on first use; {@link #availability()} says why not. Every status other than
 * {@code CUBLAS_STATUS_SUCCESS} throws a {@link CudaException} naming the call and the status.
 */
@SuppressWarnings("restricted")
public final class Cublas {

  private static final ValueLayout I32 = ValueLayout.JAVA_INT;
  private static final ValueLayout I64 = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;
  private static final int OP_N = 0;
  private static final int OP_T = 1;

  private final SharedLibrary library;
  private final MethodHandle create;
  private final MethodHandle destroy;
  private final MethodHandle setStream;
  private final MethodHandle sgemm;
  private final MethodHandle sgemmStridedBatched;

  private Cublas(SharedLibrary library) {
    this.library = library;
    create = bind("cublasCreate_v2", FunctionDescriptor.of(I32, PTR));
    destroy = bind("cublasDestroy_v2", FunctionDescriptor.of(I32, PTR));
    setStream = bind("cublasSetStream_v2", FunctionDescriptor.of(I32, PTR, PTR));
    sgemm = bind("cublasSgemm_v2", FunctionDescriptor.of(I32, PTR, I32, I32, I32, I32, I32, PTR,
        I64, I32, I64, I32, PTR, I64, I32));
    sgemmStridedBatched = bind("cublasSgemmStridedBatched", FunctionDescriptor.of(I32, PTR, I32,
        I32, I32, I32, I32, PTR, I64, I32, I64, I64, I32, I64, PTR, I64, I32, I64, I32));
  }

  private MethodHandle bind(String symbol, FunctionDescriptor descriptor) {
    return Linker.nativeLinker().downcallHandle(library.require(symbol), descriptor);
  }

  /** Whether cuBLAS loaded, with the reason if not. Never throws. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The loaded library, or an {@link UnsupportedOperationException} saying why not. */
  public static Cublas load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException(
          "cuBLAS is unavailable: " + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /** Where the library was loaded from. */
  public String location() {
    return library.location();
  }

  /** A new handle bound to the calling thread's current context. */
  public MemorySegment createHandle() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(PTR);
      CublasStatus.check("cublasCreate", (int) create.invokeExact(out));
      return out.get(ValueLayout.ADDRESS, 0);
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  /** Frees a handle. */
  public void destroyHandle(MemorySegment handle) {
    try {
      CublasStatus.check("cublasDestroy", (int) destroy.invokeExact(handle));
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  /** Queues the handle's later work on {@code stream}. */
  public void setStream(MemorySegment handle, MemorySegment stream) {
    try {
      CublasStatus.check("cublasSetStream", (int) setStream.invokeExact(handle, stream));
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  /**
   * {@code C = alpha op(A) op(B) + beta C} in column-major order, on device pointers; with {@code
   * beta == 0} C is not read.
   */
  public void sgemm(MemorySegment handle, boolean transA, boolean transB, int m, int n, int k,
      float alpha, long a, int lda, long b, int ldb, float beta, long c, int ldc) {
    try (Arena arena = Arena.ofConfined()) {
      CublasStatus.check("cublasSgemm", (int) sgemm.invokeExact(handle, op(transA), op(transB), m,
          n, k, arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), a, lda, b, ldb,
          arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta), c, ldc));
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  /**
   * {@link #sgemm} over {@code batch} matrices {@code strideA}, {@code strideB}, {@code strideC}
   * elements apart (a stride of 0 reuses one matrix for every batch).
   */
  public void sgemmStridedBatched(MemorySegment handle, boolean transA, boolean transB, int m,
      int n, int k, float alpha, long a, int lda, long strideA, long b, int ldb, long strideB,
      float beta, long c, int ldc, long strideC, int batch) {
    try (Arena arena = Arena.ofConfined()) {
      CublasStatus.check("cublasSgemmStridedBatched", (int) sgemmStridedBatched.invokeExact(handle,
          op(transA), op(transB), m, n, k, arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha), a,
          lda, strideA, b, ldb, strideB, arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta), c, ldc,
          strideC, batch));
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  private static int op(boolean transpose) {
    return transpose ? OP_T : OP_N;
  }

  private static final class Holder {
    static final Cublas INSTANCE;
    static final Availability AVAILABILITY;

    static {
      Cublas loaded = null;
      Availability availability;
      SharedLibrary library = SharedLibrary.open("libcublas (CUDA's BLAS)",
          List.of("libcublas.so"), Pattern.compile("libcublas\\.so\\.\\d+(\\.\\d+)*"),
          SharedLibrary.searchDirectories());
      if (!library.isLoaded()) {
        availability = Availability.no(library.failure());
      } else {
        try {
          loaded = new Cublas(library);
          availability = Availability.yes("cuBLAS from " + library.location());
        } catch (RuntimeException | LinkageError e) {
          loaded = null;
          availability = Availability.no("libcublas from " + library.location()
              + " cannot be used: " + e.getMessage());
        }
      }
      INSTANCE = loaded;
      AVAILABILITY = availability;
    }
  }
}
