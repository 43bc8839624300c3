package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.TransferStats;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stand-in GPU for machines without one (a mock: no real device can run here). Device memory is
 * host memory, so copies, residency and transfer counts behave as on a GPU; cuBLAS SGEMM is
 * computed on the host exactly as cuBLAS defines it (column-major, op flags, leading dimensions),
 * so the backend's row-major mapping is checked for real. Our own kernels do not run: each launch
 * is instead checked against its entry's parameter list in the built PTX (count, and 4- or 8-byte
 * integer, float, double, or struct size) and recorded.
 */
final class SimulatedDevice implements Device {

  private final Arena arena = Arena.ofShared();
  private final TreeMap<Long, MemorySegment> memory = new TreeMap<>();
  private final Map<String, List<String>> signatures = new HashMap<>();
  private final List<String> launches = new ArrayList<>();
  private final DeviceMemoryPool pool;
  private long h2dBytes;
  private long h2dCalls;
  private long d2hBytes;
  private long d2hCalls;
  private int depth;
  private RuntimeException nextLaunchFailure;

  /** @param checkSignatures whether launches are checked against the built PTX (needs a build) */
  SimulatedDevice(boolean checkSignatures) throws IOException {
    if (checkSignatures) {
      for (KernelModule module : KernelModule.values()) {
        BuiltKernels.ptx(module, 80).entries()
            .forEach((entry, params) -> signatures.put(module.fileStem() + "/" + entry, params));
      }
    }
    pool = new DeviceMemoryPool(new DeviceAllocator() {
      @Override
      public long allocate(long bytes) {
        MemorySegment segment = arena.allocate(bytes, 256);
        memory.put(segment.address(), segment);
        return segment.address();
      }

      @Override
      public void free(long pointer) {
        memory.remove(pointer);
      }

      @Override
      public boolean isOutOfMemory(RuntimeException failure) {
        return false;
      }
    });
  }

  /** The {@code bytes} of device memory at {@code pointer}, which must lie in one allocation. */
  MemorySegment at(long pointer, long bytes) {
    var entry = memory.floorEntry(pointer);
    assertNotNull(entry, "no device allocation holds " + pointer);
    long offset = pointer - entry.getKey();
    assertTrue(offset + bytes <= entry.getValue().byteSize(),
        "device access of " + bytes + " bytes at +" + offset + " runs past its allocation");
    return entry.getValue().asSlice(offset, bytes);
  }

  /** Makes the next launch throw {@code failure}, as a failing cuLaunchKernel would. */
  void failNextLaunch(RuntimeException failure) {
    nextLaunchFailure = failure;
  }

  /** Every launch so far, as {@code module/entry}. */
  List<String> launches() {
    return launches;
  }

  @Override
  public void enter() {
    depth++;
  }

  @Override
  public void exit() {
    depth--;
    assertTrue(depth >= 0, "exit() without enter()");
  }

  /** Calls still inside enter() and exit(); 0 between kernel calls. */
  int depth() {
    return depth;
  }

  @Override
  public DeviceMemoryPool pool() {
    return pool;
  }

  @Override
  public void upload(long dst, MemorySegment host) {
    at(dst, host.byteSize()).copyFrom(host);
    h2dBytes += host.byteSize();
    h2dCalls++;
  }

  @Override
  public void download(MemorySegment host, long src) {
    host.copyFrom(at(src, host.byteSize()));
    d2hBytes += host.byteSize();
    d2hCalls++;
  }

  @Override
  public void launch(KernelModule module, String entry, int blocks, Object... arguments) {
    String key = module.fileStem() + "/" + entry;
    if (nextLaunchFailure != null) {
      RuntimeException failure = nextLaunchFailure;
      nextLaunchFailure = null;
      throw failure;
    }
    assertTrue(blocks >= 1 && blocks <= CudaDevice.MAX_BLOCKS, key + ": " + blocks + " blocks");
    if (!signatures.isEmpty()) {
      List<String> params = signatures.get(key);
      assertNotNull(params, key + " is not an entry of " + module.fileStem() + ".sm_80.ptx");
      assertEquals(params.size(), arguments.length, key + ": argument count");
      for (int i = 0; i < params.size(); i++) {
        assertEquals(params.get(i), ptxType(arguments[i]), key + " argument " + i);
      }
    }
    launches.add(key);
  }

  private static String ptxType(Object argument) {
    return switch (argument) {
      case Long l -> "u64";
      case Integer i -> "u32";
      case Float f -> "f32";
      case Double d -> "f64";
      case MemorySegment s -> "b8[" + s.byteSize() + "]";
      default -> argument.getClass().getSimpleName();
    };
  }

  @Override
  public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a,
      int lda, long b, int ldb, float beta, long c, int ldc) {
    MemorySegment as = at(a, 4L * lda * (transA ? m : k));
    MemorySegment bs = at(b, 4L * ldb * (transB ? k : n));
    MemorySegment cs = at(c, 4L * ldc * n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          float av = get(as, transA ? p + (long) i * lda : i + (long) p * lda);
          float bv = get(bs, transB ? j + (long) p * ldb : p + (long) j * ldb);
          sum += (double) av * bv;
        }
        long at = i + (long) j * ldc;
        double value = alpha * sum + (beta == 0 ? 0 : beta * (double) get(cs, at));
        cs.setAtIndex(ValueLayout.JAVA_FLOAT, at, (float) value);
      }
    }
  }

  @Override
  public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k,
      float alpha, long a, int lda, long strideA, long b, int ldb, long strideB, float beta,
      long c, int ldc, long strideC, int batch) {
    for (int i = 0; i < batch; i++) {
      sgemm(transA, transB, m, n, k, alpha, a + 4 * i * strideA, lda, b + 4 * i * strideB, ldb,
          beta, c + 4 * i * strideC, ldc);
    }
  }

  private static float get(MemorySegment s, long index) {
    return s.getAtIndex(ValueLayout.JAVA_FLOAT, index);
  }

  @Override
  public TransferStats transfers() {
    return new TransferStats(h2dBytes, h2dCalls, d2hBytes, d2hCalls);
  }

  @Override
  public int ordinal() {
    return 0;
  }

  @Override
  public String description() {
    return "simulated device (host memory)";
  }
}
