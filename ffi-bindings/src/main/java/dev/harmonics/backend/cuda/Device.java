package dev.harmonics.backend.cuda;

import dev.harmonics.kernel.TransferStats;
import java.lang.foreign.MemorySegment;

/**
 * What the CUDA kernels need from a device: exclusive use, pooled memory, ordered copies and
 * launches, cuBLAS GEMMs and the transfer counters. {@link CudaDevice} is the real GPU; tests on
 * machines without one substitute a simulated device to check the host-side logic (bindings,
 * residency, argument lists against the built PTX).
 */
interface Device {

  /** Takes the device for the calling thread (reentrant); pair with {@link #exit()}. */
  void enter();

  void exit();

  /** Device buffers, recycled by size class. */
  DeviceMemoryPool pool();

  /** Queues a copy of host bytes to {@code dst}; the host bytes may change once this returns. */
  void upload(long dst, MemorySegment host);

  /** Copies device bytes into host memory and waits until they are there. */
  void download(MemorySegment host, long src);

  /**
   * Queues kernel {@code entry} of {@code module} on {@code blocks} blocks of {@link
   * CudaDevice#THREADS_PER_BLOCK} threads; arguments as {@link KernelArguments} takes them.
   */
  void launch(KernelModule module, String entry, int blocks, Object... arguments);

  /** cuBLAS SGEMM (column-major) on device pointers. */
  void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
      long b, int ldb, float beta, long c, int ldc);

  /** cuBLAS strided batched SGEMM (column-major) on device pointers. */
  void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
      long a, int lda, long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
      long strideC, int batch);

  /** Host-device traffic so far. */
  TransferStats transfers();

  /** The device index. */
  int ordinal();

  /** Name and compute capability, for the provider's description. */
  String description();
}
