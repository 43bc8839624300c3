package dev.harmonics.ffi.cuda;

import static java.util.Map.entry;

import java.util.Map;

/** NVRTC's {@code nvrtcResult} codes by name (those every NVRTC since 12.1 defines; newer
 * codes read as unrecognized, with the number). */
public final class NvrtcResult {

  /** {@code NVRTC_SUCCESS}. */
  public static final int SUCCESS = 0;
  /** {@code NVRTC_ERROR_COMPILATION}: the log says why. */
  public static final int COMPILATION = 6;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      entry(0, "NVRTC_SUCCESS"),
      entry(1, "NVRTC_ERROR_OUT_OF_MEMORY"),
      entry(2, "NVRTC_ERROR_PROGRAM_CREATION_FAILURE"),
      entry(3, "NVRTC_ERROR_INVALID_INPUT"),
      entry(4, "NVRTC_ERROR_INVALID_PROGRAM"),
      entry(5, "NVRTC_ERROR_INVALID_OPTION"),
      entry(6, "NVRTC_ERROR_COMPILATION"),
      entry(7, "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE"),
      entry(8, "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION"),
      entry(9, "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION"),
      entry(10, "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID"),
      entry(11, "NVRTC_ERROR_INTERNAL_ERROR"),
      entry(12, "NVRTC_ERROR_TIME_FILE_WRITE_FAILED"));

  private NvrtcResult() {}

  /** The enumerator's name, or {@code NVRTC_ERROR_UNRECOGNIZED}. */
  public static String name(int code) {
    return NAMES.getOrDefault(code, "NVRTC_ERROR_UNRECOGNIZED");
  }

  /** Every code this table names. */
  public static Map<Integer, String> names() {
    return NAMES;
  }

  /** Returns normally on success; otherwise throws naming {@code call}, the code and the detail. */
  public static void check(String call, int code, String detail) {
    if (code != SUCCESS) {
      throw new CudaException(call, code, name(code), detail);
    }
  }
}
