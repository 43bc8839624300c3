package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.conformance.GemmConformance;

/**
 * The GEMM suite on the local-memory tiled kernel that GPUs and accelerators use; PoCL's CPU device
 * would otherwise only run the blocked CPU kernel.
 */
class OpenClTiledGemmTest extends GemmConformance {

  private static OpenClProvider tiled;

  @Override
  protected KernelProvider candidate() {
    OpenClTesting.assumeOpenCl();
    synchronized (OpenClTiledGemmTest.class) {
      if (tiled == null) {
        OpenClProvider standard = OpenClTesting.openCl();
        tiled = OpenClProvider.fromSource(standard.device(),
            SourceProgramLoader.defaultCacheRoot(), true);
      }
      return tiled;
    }
  }
}
