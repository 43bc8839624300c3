package dev.harmonics.backend.cuda;

import dev.harmonics.ffi.cuda.Nvrtc;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compiles a kernel module's shipped source with NVRTC for a device without a prebuilt image,
 * with the options the CMake build gives nvcc (C++17, no contraction into fused multiply-adds).
 */
final class KernelCompiler {

  private KernelCompiler() {}

  /**
   * The module's PTX for compute capability {@code major.minor}.
   *
   * @param files reads a kernel file by name ({@link KernelSources#read} at run time)
   * @throws IllegalStateException if the source or its header is missing
   */
  static String ptx(Nvrtc nvrtc, KernelModule module, int major, int minor,
      Function<String, Optional<byte[]>> files) {
    String sourceName = module.fileStem() + ".cu";
    byte[] source = files.apply(sourceName).orElseThrow(() -> new IllegalStateException(
        sourceName + " not found in " + KernelSources.describe()));
    byte[] header = files.apply(KernelSources.HEADER).orElseThrow(() -> new IllegalStateException(
        KernelSources.HEADER + " not found in " + KernelSources.describe()));
    return nvrtc.compileToPtx(new String(source, StandardCharsets.UTF_8), sourceName,
        Map.of(KernelSources.HEADER, new String(header, StandardCharsets.UTF_8)),
        List.of(KernelImages.nvrtcArchitecture(major, minor), "--std=c++17", "--fmad=false"));
  }
}
