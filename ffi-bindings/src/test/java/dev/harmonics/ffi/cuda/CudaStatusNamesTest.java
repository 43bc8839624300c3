package dev.harmonics.ffi.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The status-name tables and the exceptions built from them. Where a CUDA toolkit is installed,
 * the CUresult table is checked against its {@code cuda.h}, entry by entry.
 */
class CudaStatusNamesTest {

  @Test
  void aFailedDriverCallNamesTheCallAndTheError() {
    CudaException e = assertThrows(CudaException.class, () -> CuResult.check("cuMemAlloc", 2));
    assertEquals("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
    assertEquals("cuMemAlloc", e.call());
    assertEquals(2, e.code());
    assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
  }

  @Test
  void successDoesNotThrow() {
    CuResult.check("cuInit", CuResult.SUCCESS);
    NvrtcResult.check("nvrtcCompileProgram", NvrtcResult.SUCCESS, "ignored");
    CublasStatus.check("cublasSgemm", CublasStatus.SUCCESS);
  }

  @Test
  void anUnknownCodeStillNamesTheCallAndTheNumber() {
    CudaException e = assertThrows(CudaException.class, () -> CuResult.check("cuLaunchKernel",
        4242));
    assertEquals("cuLaunchKernel failed: CUDA_ERROR_UNRECOGNIZED (4242)", e.getMessage());
  }

  @Test
  void nvrtcErrorsCarryTheCompilerLog() {
    CudaException e = assertThrows(CudaException.class, () -> NvrtcResult.check(
        "nvrtcCompileProgram", NvrtcResult.COMPILATION, "softmax.cu(3): error: expected a ';'"));
    assertEquals("nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION (6): softmax.cu(3): error:"
        + " expected a ';'", e.getMessage());
  }

  @Test
  void cublasErrorsAreNamed() {
    CudaException e = assertThrows(CudaException.class, () -> CublasStatus.check("cublasCreate",
        3));
    assertEquals("cublasCreate failed: CUBLAS_STATUS_ALLOC_FAILED (3)", e.getMessage());
    assertEquals("CUBLAS_STATUS_ARCH_MISMATCH", CublasStatus.name(8));
    assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", CublasStatus.name(15));
  }

  @Test
  void theTablesNameTheCodesTheBackendReactsTo() {
    assertEquals("CUDA_ERROR_NO_DEVICE", CuResult.name(CuResult.NO_DEVICE));
    assertEquals("CUDA_ERROR_INVALID_PTX", CuResult.name(CuResult.INVALID_PTX));
    assertEquals("CUDA_ERROR_NO_BINARY_FOR_GPU", CuResult.name(CuResult.NO_BINARY_FOR_GPU));
    assertEquals("CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
        CuResult.name(CuResult.UNSUPPORTED_PTX_VERSION));
    assertEquals("NVRTC_ERROR_INVALID_OPTION", NvrtcResult.name(5));
  }

  @Test
  void theCuResultTableMatchesTheInstalledCudaHeader() throws IOException {
    Path header = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"),
        "include", "cuda.h");
    assumeTrue(Files.isRegularFile(header), "no CUDA toolkit header at " + header);
    String text = Files.readString(header);
    int start = text.indexOf("typedef enum cudaError_enum");
    int end = text.indexOf("} CUresult;", start);
    assertTrue(start >= 0 && end > start, "no CUresult enum in " + header);
    Matcher m = Pattern.compile("(CUDA_[A-Z0-9_]+)\\s*=\\s*(\\d+)")
        .matcher(text.substring(start, end));
    Map<Integer, String> declared = new LinkedHashMap<>();
    while (m.find()) {
      declared.put(Integer.parseInt(m.group(2)), m.group(1));
    }
    assertTrue(declared.size() > 50, "parsed only " + declared.size() + " codes from " + header);
    declared.forEach((code, name) -> assertEquals(name, CuResult.name(code), "code " + code));
  }
}
