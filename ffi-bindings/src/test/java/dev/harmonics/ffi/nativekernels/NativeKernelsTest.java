package dev.harmonics.ffi.nativekernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NativeKernelsTest {

  private static NativeKernels kernels;

  @BeforeAll
  static void load() {
    Assumptions.assumeTrue(NativeKernels.availability().available(),
        NativeKernels.availability().reason());
    kernels = NativeKernels.load();
  }

  @Test
  void reportsTheIsaItRunsAt() {
    Isa supported = kernels.supportedIsa();
    assertTrue(kernels.activeIsa().compareTo(supported) <= 0);
    assertTrue(NativeKernels.availability().reason().contains(kernels.activeIsa().id()),
        NativeKernels.availability().reason());
    assertEquals(NativeKernels.ABI_VERSION, kernels.abiVersion());
  }

  @Test
  void everyLevelUpToTheSupportedOneCanBeChosenAndAboveItIsRefused() {
    Isa before = kernels.activeIsa();
    try {
      for (Isa isa : Isa.values()) {
        if (isa.compareTo(kernels.supportedIsa()) <= 0) {
          kernels.setIsa(isa);
          assertEquals(isa, kernels.activeIsa());
        } else {
          NativeKernelException e =
              assertThrows(NativeKernelException.class, () -> kernels.setIsa(isa));
          assertEquals("hn_set_isa", e.call());
          assertEquals(-3, e.status());
        }
      }
    } finally {
      kernels.setIsa(before);
    }
  }

  @Test
  void noopReturnsItsArgumentThroughBothCallKinds() {
    assertEquals(42, kernels.noop(42));
    assertEquals(-7, kernels.noopCritical(-7));
  }

  @Test
  void aNativeErrorStatusBecomesAnExceptionNamingTheCall() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(64);
      NativeKernelException e = assertThrows(NativeKernelException.class,
          () -> kernels.sgemm(false, false, -1, 2, 2, 1f, m, 2, m, 2, 0f, m, 2,
              MemorySegment.NULL, 0, 0f));
      assertEquals("hn_sgemm", e.call());
      assertEquals(-1, e.status());
      assertTrue(e.getMessage().contains("hn_sgemm failed with status -1 (invalid argument)"),
          e.getMessage());
      NativeKernelException act = assertThrows(NativeKernelException.class,
          () -> kernels.sgemm(false, false, 1, 1, 1, 1f, m, 1, m, 1, 0f, m, 1,
              MemorySegment.NULL, 9, 0f));
      assertTrue(act.getMessage().contains("activation not supported"), act.getMessage());
      NativeKernelException s8 = assertThrows(NativeKernelException.class,
          () -> kernels.gemmS8(2, 2, 2, m, 1, m, 2, m, 2));
      assertEquals("hn_gemm_s8s8s32", s8.call());
    }
  }

  @Test
  void aSegmentTooSmallIsRejectedBeforeTheCall() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment small = arena.allocate(8);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kernels.reluForward(4, small, 0f, false, small));
      assertTrue(e.getMessage().startsWith("x: 8 bytes (expected: >= 16)"), e.getMessage());
    }
  }

  @Test
  void heapArraysGoThroughTheCriticalCall() {
    float[] x = {-1f, 2f, Float.NaN, -0f};
    float[] y = new float[4];
    kernels.reluForward(4, MemorySegment.ofArray(x), 0f, false, MemorySegment.ofArray(y));
    assertArrayEquals(new float[] {0f, 2f, Float.NaN, 0f}, y);
    assertEquals(0, Float.floatToRawIntBits(y[3]), "relu(-0) is +0");
  }

  @Test
  void aMissingLibraryMakesTheBindingUnavailableWithTheReason() throws Exception {
    String reason = availabilityInChildJvm("-Dharmonics.native.path=/nonexistent/harmonics");
    assertTrue(reason.startsWith("false "), reason);
    assertTrue(reason.contains("libharmonics_native.so not found in /nonexistent/harmonics"),
        reason);
  }

  @Test
  void anIsaAboveTheCpusIsUnavailableWithTheReason() throws Exception {
    Assumptions.assumeTrue(kernels.supportedIsa() != Isa.AVX512_VNNI,
        "this CPU supports every level, so no request can exceed it");
    String reason = availabilityInChildJvm("-Dharmonics.native.isa=avx512-vnni");
    assertTrue(reason.startsWith("false "), reason);
    assertTrue(reason.contains("asks for more than this CPU supports"), reason);
  }

  @Test
  void aLowerIsaCanBeRequestedAtStartUp() throws Exception {
    String reason = availabilityInChildJvm("-Dharmonics.native.isa=generic");
    assertTrue(reason.startsWith("true "), reason);
    assertTrue(reason.contains("ISA generic"), reason);
  }

  /** Starts a JVM (about a second) because availability is decided once per JVM. */
  private static String availabilityInChildJvm(String... properties)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of(properties));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PrintAvailability.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
    String text = new String(out, StandardCharsets.UTF_8).trim();
    assertEquals(0, process.exitValue(), text);
    assertFalse(text.isEmpty());
    return text;
  }

  /** The child JVM's entry point: prints whether the library loaded and why. */
  static final class PrintAvailability {
    public static void main(String[] args) {
      var availability = NativeKernels.availability();
      System.out.println(availability.available() + " " + availability.reason());
    }
  }
}
