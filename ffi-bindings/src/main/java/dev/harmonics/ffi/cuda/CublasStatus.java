package dev.harmonics.ffi.cuda;

import static java.util.Map.entry;

import java.util.Map;

/** cuBLAS's {@code cublasStatus_t} codes by name (CUDA 13.0's {@code cublas_api.h}). */
public final class CublasStatus {

  /** {@code CUBLAS_STATUS_SUCCESS}. */
  public static final int SUCCESS = 0;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      entry(0, "CUBLAS_STATUS_SUCCESS"),
      entry(1, "CUBLAS_STATUS_NOT_INITIALIZED"),
      entry(3, "CUBLAS_STATUS_ALLOC_FAILED"),
      entry(7, "CUBLAS_STATUS_INVALID_VALUE"),
      entry(8, "CUBLAS_STATUS_ARCH_MISMATCH"),
      entry(11, "CUBLAS_STATUS_MAPPING_ERROR"),
      entry(13, "CUBLAS_STATUS_EXECUTION_FAILED"),
      entry(14, "CUBLAS_STATUS_INTERNAL_ERROR"),
      entry(15, "CUBLAS_STATUS_NOT_SUPPORTED"),
      entry(16, "CUBLAS_STATUS_LICENSE_ERROR"));

  private CublasStatus() {}

  /** The enumerator's name, or {@code CUBLAS_STATUS_UNRECOGNIZED}. */
  public static String name(int code) {
    return NAMES.getOrDefault(code, "CUBLAS_STATUS_UNRECOGNIZED");
  }

  /** Every code this table names. */
  public static Map<Integer, String> names() {
    return NAMES;
  }

  /** Returns normally on success; otherwise throws naming {@code call} and the status. */
  public static void check(String call, int code) {
    if (code != SUCCESS) {
      throw new CudaException(call, code, name(code));
    }
  }
}
