package dev.harmonics.ffi.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The raw bindings on a real OpenCL device (PoCL's CPU device here): discovery, transfers,
 * programs from source and from binaries, launches with profiling, and errors that name the call
 * and the status code instead of crashing.
 */
class OpenClBindingsTest {

  private static final String SCALE = """
      __kernel void scale(__global float* x, float factor, int n) {
        int i = get_global_id(0);
        if (i < n) {
          x[i] *= factor;
        }
      }
      """;

  private ClContext context;

  @BeforeEach
  void openContext() {
    Assumptions.assumeTrue(OpenCl.availability().available(),
        () -> "no OpenCL platform to test on: " + OpenCl.availability().reason());
    ClDevice device = OpenCl.load().platforms().stream().flatMap(p -> p.devices().stream())
        .findFirst().orElseThrow();
    context = OpenCl.load().createContext(device);
  }

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void discoversPlatformsAndDescribesDevices() {
    var platforms = OpenCl.load().platforms();
    assertFalse(platforms.isEmpty());
    ClDevice device = context.device();
    assertFalse(device.name().isBlank());
    assertTrue(device.computeUnits() > 0, device.describe());
    assertTrue(device.globalMemoryBytes() > 0, device.describe());
    assertTrue(device.maxWorkGroupSize() > 0, device.describe());
    assertTrue(device.version().startsWith("OpenCL"), device.version());
  }

  @Test
  void runsAKernelBuiltFromSourceAndRecordsDeviceTime() {
    float[] result = runScale(context.programFromSource(SCALE, ""), new float[] {1, 2, 3}, 2f);
    assertArrayEquals(new float[] {2, 4, 6}, result);
  }

  @Test
  void aProgramBinaryLoadsAgainAndComputesTheSame() {
    byte[] binary;
    try (ClProgram built = context.programFromSource(SCALE, "")) {
      binary = built.binary();
    }
    assertTrue(binary.length > 0);
    float[] result = runScale(context.programFromBinary(binary, ""), new float[] {1, -2, 5}, 3f);
    assertArrayEquals(new float[] {3, -6, 15}, result);
  }

  @Test
  void aCompileErrorCarriesTheBuildLog() {
    OpenClException e = assertThrows(OpenClException.class,
        () -> context.programFromSource("__kernel void broken(__global float* x) { x[0] = y; }",
            ""));
    assertEquals("CL_BUILD_PROGRAM_FAILURE", e.codeName());
    assertTrue(e.getMessage().startsWith("clBuildProgram"), e.getMessage());
    assertTrue(e.buildLog().contains("y"), e.buildLog());
    assertTrue(e.getMessage().contains(e.buildLog().strip()), e.getMessage());
  }

  @Test
  void aBinaryThatIsNotOneIsRefusedByName() {
    OpenClException e = assertThrows(OpenClException.class,
        () -> context.programFromBinary(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, ""));
    assertTrue(e.codeName().startsWith("CL_"), e.getMessage());
    assertTrue(e.getMessage().contains("clCreateProgramWithBinary")
        || e.getMessage().contains("clBuildProgram"), e.getMessage());
  }

  @Test
  void badKernelArgumentsNameTheCallAndTheCode() {
    try (ClProgram program = context.programFromSource(SCALE, "");
        ClKernel kernel = program.kernel("scale")) {
      OpenClException index = assertThrows(OpenClException.class, () -> kernel.arg(7, 1f));
      assertEquals("CL_INVALID_ARG_INDEX", index.codeName());
      assertEquals("clSetKernelArg(scale, 7) failed: CL_INVALID_ARG_INDEX (-49)",
          index.getMessage());
      OpenClException size = assertThrows(OpenClException.class, () -> kernel.arg(2, 5L));
      assertEquals("CL_INVALID_ARG_SIZE", size.codeName());
      OpenClException name = assertThrows(OpenClException.class, () -> program.kernel("nope"));
      assertEquals("CL_INVALID_KERNEL_NAME", name.codeName());
      assertTrue(name.call().contains("nope"), name.call());
    }
  }

  @Test
  void launchingWithoutArgumentsIsAnErrorNotACrash() {
    try (ClProgram program = context.programFromSource(SCALE, "");
        ClKernel kernel = program.kernel("scale")) {
      OpenClException e = assertThrows(OpenClException.class,
          () -> context.launch(kernel, new long[] {4}, null));
      assertEquals("CL_INVALID_KERNEL_ARGS", e.codeName());
    }
  }

  @Test
  void copiesAndFillsStayOnTheDevice() {
    try (Arena arena = Arena.ofConfined(); ClBuffer a = context.allocate(16);
        ClBuffer b = context.allocate(16)) {
      context.fill(a, Float.floatToRawIntBits(1.5f), 0, 16);
      context.copy(a, 4, b, 0, 8);
      context.fill(b, Float.floatToRawIntBits(-2f), 8, 8);
      MemorySegment host = arena.allocate(16);
      context.read(b, 0, host);
      assertArrayEquals(new float[] {1.5f, 1.5f, -2f, -2f}, host.toArray(ValueLayout.JAVA_FLOAT));
    }
  }

  @Test
  void heapSegmentsAreStagedThroughNativeMemory() {
    try (ClBuffer buffer = context.allocate(12)) {
      context.write(MemorySegment.ofArray(new float[] {7, 8, 9}), buffer, 0);
      float[] back = new float[3];
      context.read(buffer, 0, MemorySegment.ofArray(back));
      assertArrayEquals(new float[] {7, 8, 9}, back);
    }
  }

  @Test
  void zeroByteBuffersAreRefusedBeforeReachingTheDriver() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> context.allocate(0));
    assertEquals("bytes: 0 (expected: > 0)", e.getMessage());
  }

  private float[] runScale(ClProgram program, float[] values, float factor) {
    try (program; ClKernel kernel = program.kernel("scale");
        ClBuffer buffer = context.allocate(4L * values.length); Arena arena = Arena.ofConfined()) {
      context.write(arena.allocateFrom(ValueLayout.JAVA_FLOAT, values), buffer, 0);
      kernel.arg(0, buffer).arg(1, factor).arg(2, values.length);
      try (ClEvent event = context.launch(kernel, new long[] {values.length}, null)) {
        assertTrue(event.deviceNanos() >= 0);
      }
      MemorySegment out = arena.allocate(4L * values.length);
      context.read(buffer, 0, out);
      return out.toArray(ValueLayout.JAVA_FLOAT);
    }
  }
}
