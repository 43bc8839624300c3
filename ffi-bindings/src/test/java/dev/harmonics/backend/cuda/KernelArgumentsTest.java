package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.Pool2dParams;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The {@code void*[]} that cuLaunchKernel reads, and the by-value structs' byte layouts. */
class KernelArgumentsTest {

  private static MemorySegment value(MemorySegment pointers, int i, long bytes) {
    return pointers.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(bytes);
  }

  @Test
  void eachParameterPointsAtACopyOfItsValue() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment struct = KernelStructs.window(Pool2dParams.of(3, 2, 1));
      MemorySegment p = KernelArguments.pack(arena, 0x1234_5678_9abcL, -7, 2.5f, 0.1, struct);
      assertEquals(0x1234_5678_9abcL, value(p, 0, 8).get(ValueLayout.JAVA_LONG, 0));
      assertEquals(-7, value(p, 1, 4).get(ValueLayout.JAVA_INT, 0));
      assertEquals(2.5f, value(p, 2, 4).get(ValueLayout.JAVA_FLOAT, 0));
      assertEquals(0.1, value(p, 3, 8).get(ValueLayout.JAVA_DOUBLE, 0));
      MemorySegment copy = value(p, 4, 36);
      assertEquals(0, copy.address() % 8, "struct copies are 8-byte aligned");
      assertEquals(-1, copy.mismatch(struct));
    }
  }

  @Test
  void anUnsupportedArgumentIsNamed() {
    try (Arena arena = Arena.ofConfined()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KernelArguments.pack(arena, 1L, "text"));
      assertTrue(e.getMessage().startsWith("kernel argument 1 has type java.lang.String"),
          e.getMessage());
    }
  }

  @Test
  void theGeometryStructPutsShapeStridesAndRankWhereTheHeaderDoes() {
    MemorySegment g = KernelStructs.geometry(new int[] {2, 3, 4}, new long[] {12, 4, 1},
        new long[] {0, 1, 0});
    assertEquals(200, g.byteSize());
    assertEquals(4, g.getAtIndex(ValueLayout.JAVA_LONG, 2));
    assertEquals(12, g.getAtIndex(ValueLayout.JAVA_LONG, 8));
    assertEquals(1, g.getAtIndex(ValueLayout.JAVA_LONG, 17));
    assertEquals(3, g.get(ValueLayout.JAVA_INT, 192));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelStructs.geometry(new int[9], null, null));
    assertTrue(e.getMessage().contains("rank <= 8"), e.getMessage());
  }

  @Test
  void theConvStructListsInputOutputKernelThenParameters() {
    MemorySegment c = KernelStructs.conv(new int[] {1, 2, 5, 6}, new int[] {1, 4, 3, 3}, 3, 2,
        new Conv2dParams(2, 1, 1, 0, 1, 1, 2));
    int[] fields = c.toArray(ValueLayout.JAVA_INT);
    assertEquals(64, c.byteSize());
    assertEquals("[1, 2, 5, 6, 4, 3, 3, 3, 2, 2, 1, 1, 0, 1, 1, 2]",
        Arrays.toString(fields));
  }
}
