package dev.harmonics.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Packs kernel arguments the way {@code cuLaunchKernel} takes them: an array with one pointer per
 * parameter to a copy of its value. {@link Long} is a 64-bit value (a device pointer or an {@code
 * i64}), {@link Integer} a 32-bit int, {@link Float} and {@link Double} themselves, and a {@link
 * MemorySegment} a struct passed by value (its bytes, as {@link KernelStructs} lays them out).
 */
final class KernelArguments {

  private KernelArguments() {}

  static MemorySegment pack(Arena arena, Object... arguments) {
    MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, Math.max(1, arguments.length));
    for (int i = 0; i < arguments.length; i++) {
      MemorySegment value = switch (arguments[i]) {
        case Long l -> arena.allocateFrom(ValueLayout.JAVA_LONG, l);
        case Integer v -> arena.allocateFrom(ValueLayout.JAVA_INT, v);
        case Float f -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, f);
        case Double d -> arena.allocateFrom(ValueLayout.JAVA_DOUBLE, d);
        case MemorySegment struct -> arena.allocate(struct.byteSize(), 8).copyFrom(struct);
        case null -> throw new IllegalArgumentException("kernel argument " + i + " is null");
        default -> throw new IllegalArgumentException("kernel argument " + i + " has type "
            + arguments[i].getClass().getName() + " (expected Long, Integer, Float, Double or a"
            + " MemorySegment struct)");
      };
      pointers.setAtIndex(ValueLayout.ADDRESS, i, value);
    }
    return pointers;
  }
}
