package dev.harmonics.ffi.cuda;

/**
 * A CUDA driver, NVRTC or cuBLAS call returned an error. The message names the call and the
 * error, for example {@code cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2)}.
 */
public class CudaException extends RuntimeException {

  private final String call;
  private final int code;
  private final String errorName;

  /** An error {@code code} (named {@code errorName}) returned by {@code call}. */
  public CudaException(String call, int code, String errorName) {
    this(call, code, errorName, null);
  }

  /** As {@link #CudaException(String, int, String)} with more text after the code, e.g. a log. */
  public CudaException(String call, int code, String errorName, String detail) {
    super(call + " failed: " + errorName + " (" + code + ")"
        + (detail == null || detail.isBlank() ? "" : ": " + detail.strip()));
    this.call = call;
    this.code = code;
    this.errorName = errorName;
  }

  /** The native function that failed, e.g. {@code cuMemAlloc}. */
  public String call() {
    return call;
  }

  /** The numeric status the call returned. */
  public int code() {
    return code;
  }

  /** The status's enumerator name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
  public String errorName() {
    return errorName;
  }
}
