package dev.harmonics.ffi.opencl;

/**
 * An OpenCL call returned an error: the message names the call and the status code by name (for
 * example {@code clSetKernelArg(gemm, 3) failed: CL_INVALID_ARG_SIZE (-51)}). A failed program build
 * also carries the compiler's log.
 */
public final class OpenClException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String call;
  private final int code;
  private final String buildLog;

  OpenClException(String call, int code, String buildLog) {
    super(call + " failed: " + ClErrors.name(code) + " (" + code + ")"
        + (buildLog == null || buildLog.isBlank() ? "" : "\nbuild log:\n" + buildLog.strip()));
    this.call = call;
    this.code = code;
    this.buildLog = buildLog == null ? "" : buildLog;
  }

  /** The OpenCL function (and what it was applied to) that failed. */
  public String call() {
    return call;
  }

  /** The raw status code. */
  public int code() {
    return code;
  }

  /** The status code's name, e.g. {@code CL_INVALID_VALUE}. */
  public String codeName() {
    return ClErrors.name(code);
  }

  /** The compiler output of a failed build; empty for other errors. */
  public String buildLog() {
    return buildLog;
  }
}
