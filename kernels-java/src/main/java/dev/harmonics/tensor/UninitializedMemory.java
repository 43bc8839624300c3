package dev.harmonics.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Off-heap memory that is not zero-filled, from the C library's {@code aligned_alloc} and
 * {@code free}: {@link Arena#allocate} always clears what it hands out, which is a wasted pass
 * over memory that the caller overwrites anyway (a received tensor, for one).
 */
final class UninitializedMemory {

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
      LINKER.defaultLookup().findOrThrow("aligned_alloc"),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
  private static final MethodHandle FREE = LINKER.downcallHandle(
      LINKER.defaultLookup().findOrThrow("free"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

  private UninitializedMemory() {}

  /**
   * {@code bytes} of unspecified content aligned to {@code alignment}, freed when {@code arena}
   * closes.
   *
   * @throws OutOfMemoryError when the C library has no memory to give
   */
  static MemorySegment allocate(Arena arena, long bytes, long alignment) {
    if (bytes == 0) {
      return arena.allocate(0, alignment);
    }
    // aligned_alloc wants a size that is a multiple of the alignment.
    long rounded = Math.addExact(bytes, alignment - 1) / alignment * alignment;
    MemorySegment address;
    try {
      address = (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, rounded);
    } catch (Throwable t) {
      throw new IllegalStateException("aligned_alloc failed", t);
    }
    if (address.equals(MemorySegment.NULL)) {
      throw new OutOfMemoryError("cannot allocate " + bytes + " bytes off-heap");
    }
    return address.reinterpret(bytes, arena, UninitializedMemory::free);
  }

  private static void free(MemorySegment segment) {
    try {
      FREE.invokeExact(segment);
    } catch (Throwable t) {
      throw new IllegalStateException("free failed", t);
    }
  }
}
