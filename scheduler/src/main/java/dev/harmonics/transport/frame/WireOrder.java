package dev.harmonics.transport.frame;

import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tensor bytes in wire order (little-endian). On a little-endian host an off-heap tensor's memory
 * is already in wire order and is used in place; otherwise the bytes are copied, swapping as
 * needed.
 */
final class WireOrder {

  private static final boolean NATIVE_IS_WIRE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private WireOrder() {}

  /** A direct buffer over the tensor's payload in wire order, positioned at 0. */
  static ByteBuffer payload(Tensor tensor) {
    MemorySegment data = tensor.data();
    if (NATIVE_IS_WIRE && data.isNative()) {
      return data.asByteBuffer();
    }
    ByteBuffer copy = ByteBuffer.allocateDirect((int) data.byteSize());
    swapCopy(data, tensor.dtype().layout(), MemorySegment.ofBuffer(copy), true);
    return copy;
  }

  /** Turns wire-order bytes just written into {@code tensor} into native order. */
  static void toNative(Tensor tensor) {
    if (NATIVE_IS_WIRE || tensor.dtype().byteSize() == 1) {
      return;
    }
    MemorySegment data = tensor.data();
    MemorySegment wire = MemorySegment.ofArray(data.toArray(ValueLayout.JAVA_BYTE));
    swapCopy(wire, tensor.dtype().layout(), data, false);
  }

  private static void swapCopy(
      MemorySegment from, ValueLayout element, MemorySegment to, boolean toWire) {
    ValueLayout nativeLayout = element.withOrder(ByteOrder.nativeOrder());
    ValueLayout wireLayout = element.withOrder(ByteOrder.LITTLE_ENDIAN);
    long count = from.byteSize() / element.byteSize();
    MemorySegment.copy(from, toWire ? nativeLayout : wireLayout, 0,
        to, toWire ? wireLayout : nativeLayout, 0, count);
  }
}
