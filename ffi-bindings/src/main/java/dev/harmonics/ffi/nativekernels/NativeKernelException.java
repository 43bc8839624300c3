package dev.harmonics.ffi.nativekernels;

/** A native kernel returned an error status; the message names the C function and the code. */
public final class NativeKernelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String call;
  private final int status;

  NativeKernelException(String call, int status, String statusName) {
    super(call + " failed with status " + status + " (" + statusName + ")");
    this.call = call;
    this.status = status;
  }

  /** The C function that failed, e.g. {@code hn_sgemm}. */
  public String call() {
    return call;
  }

  /** The negative {@code HN_ERR_*} status it returned. */
  public int status() {
    return status;
  }
}
