package dev.harmonics.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void hasShapeOfOneOrTwoDimensionsAgreesWithTheVarargsForm() {
    try (Tensor vector = Tensor.zeros(4); Tensor matrix = Tensor.zeros(4, 16)) {
      assertTrue(vector.hasShape(4));
      assertFalse(vector.hasShape(5));
      assertFalse(vector.hasShape(4, 1));
      assertTrue(matrix.hasShape(4, 16));
      assertFalse(matrix.hasShape(16, 4));
      assertFalse(matrix.hasShape(4));
      assertTrue(matrix.hasShape(new int[] {4, 16}));
      assertFalse(matrix.hasShape(4, 16, 1));
    }
  }

  @Test
  void allocatesOffHeapZeroedRowMajor() {
    try (Tensor t = Tensor.zeros(2, 3, 4)) {
      assertTrue(t.isNative());
      assertTrue(t.isContiguous());
      assertEquals(24, t.size());
      assertArrayEquals(new long[] {12, 4, 1}, t.strides());
      assertEquals(0f, t.get(1, 2, 3));
      assertEquals(24L * 4, t.data().byteSize());
      assertEquals(0, t.data().address() % 64, "storage is 64-byte aligned for vector loads");
    }
  }

  @Test
  void viewsShareStorageWithoutCopying() {
    float[] values = new float[24];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    try (Tensor t = Tensor.of(values, 2, 3, 4)) {
      Tensor transposed = t.transpose(1, 2);
      assertArrayEquals(new int[] {2, 4, 3}, transposed.shape());
      assertFalse(transposed.isContiguous());
      assertEquals(t.get(1, 2, 3), transposed.get(1, 3, 2));

      Tensor slice = t.slice(1, 1, 3);
      assertEquals(t.get(0, 1, 0), slice.get(0, 0, 0));
      slice.set(-5f, 1, 1, 2);
      assertEquals(-5f, t.get(1, 2, 2), "a write through a view lands in the parent");

      Tensor permuted = t.permute(2, 0, 1);
      assertArrayEquals(new int[] {4, 2, 3}, permuted.shape());
      assertEquals(t.get(1, 0, 3), permuted.get(3, 1, 0));

      assertArrayEquals(new int[] {6, 4}, t.reshape(-1, 4).shape());
      assertArrayEquals(new int[] {2, 12}, t.flatten(1).shape());
    }
  }

  @Test
  void contiguousCopiesStridedViewsInLogicalOrder() {
    try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor copy = t.transpose(0, 1).contiguous()) {
      assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, copy.toFloatArray());
      assertTrue(copy.isContiguous());
    }
  }

  @Test
  void reshapeOfAStridedViewAsksForContiguousFirst() {
    try (Tensor t = Tensor.zeros(2, 3)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> t.transpose(0, 1).reshape(6));
      assertTrue(e.getMessage().contains("contiguous()"), e.getMessage());
    }
  }

  @Test
  void badShapesAndIndicesAreRefusedWithTheExpectation() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    assertThrows(ArithmeticException.class, () -> Tensor.zeros(1 << 20, 1 << 20));
    try (Tensor t = Tensor.zeros(2, 3)) {
      assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
      assertThrows(IndexOutOfBoundsException.class, () -> t.slice(1, 2, 4));
      assertThrows(IllegalArgumentException.class, () -> t.permute(0, 0));
      assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    }
  }

  @Test
  void overlapIsJudgedOnTheMemoryEachTensorSpans() {
    try (Tensor t = Tensor.zeros(4, 6); Tensor other = Tensor.zeros(4, 6)) {
      assertTrue(t.overlaps(t.slice(0, 1, 2)));
      assertFalse(t.slice(0, 0, 2).overlaps(t.slice(0, 2, 4)));
      assertTrue(t.transpose(0, 1).overlaps(t.slice(1, 5, 6)));
      assertFalse(t.overlaps(other));
      assertFalse(t.overlaps(t.slice(0, 1, 1)), "an empty view touches no memory");
      assertTrue(t.sameElements(t.reshape(24)));
      assertFalse(t.sameElements(t.slice(0, 0, 2)));
      assertFalse(t.sameElements(t.transpose(0, 1)), "same bytes, but not the same elements");
    }
    float[] values = new float[8];
    assertTrue(Tensor.wrap(values, 8).overlaps(Tensor.wrap(values, 2, 4).slice(0, 1, 2)));
    assertFalse(Tensor.wrap(values, 8).overlaps(Tensor.wrap(new float[8], 8)));
  }

  @Test
  void useAfterCloseFailsInsteadOfReadingFreedMemory() {
    Tensor t = Tensor.zeros(4);
    Tensor view = t.reshape(2, 2);
    t.close();
    t.close();
    assertThrows(IllegalStateException.class, () -> view.get(0, 0));
  }

  @Test
  void arenaOwnedTensorsLiveAsLongAsTheirArena() {
    Tensor t;
    try (Arena arena = Arena.ofConfined()) {
      t = Tensor.allocate(arena, DType.INT32, 3);
      t.setIntFlat(2, 7);
      t.close();
      assertEquals(7, t.getIntFlat(2), "closing an arena-owned tensor leaves the arena in charge");
    }
    assertThrows(IllegalStateException.class, () -> t.getIntFlat(2));
  }

  @Test
  void heapTensorsWrapTheCallersArray() {
    float[] values = {1, 2, 3, 4};
    Tensor t = Tensor.wrap(values, 2, 2);
    assertFalse(t.isNative());
    t.set(9f, 1, 0);
    assertEquals(9f, values[2]);
  }

  @Test
  void uninitializedAllocationHoldsWhatIsWrittenAndIsFreedOnClose() {
    Tensor t = Tensor.allocateUninitialized(DType.INT32, 3, 1000);
    assertTrue(t.isNative());
    assertArrayEquals(new int[] {3, 1000}, t.shape());
    assertEquals(3000L * 4, t.data().byteSize());
    assertEquals(0, t.data().address() % 64, "storage is 64-byte aligned for vector loads");
    for (int i = 0; i < 3000; i++) {
      t.data().setAtIndex(ValueLayout.JAVA_INT, i, i * 7);
    }
    for (int i = 0; i < 3000; i++) {
      assertEquals(i * 7, t.data().getAtIndex(ValueLayout.JAVA_INT, i));
    }
    t.close();
    assertThrows(IllegalStateException.class, () -> t.data().get(
        ValueLayout.JAVA_BYTE, 0), "freed memory is never read");
  }

  @Test
  void uninitializedAllocationChecksShapesAndAllowsEmptyTensors() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.allocateUninitialized(
        DType.FLOAT32, 2, -1));
    try (Tensor empty = Tensor.allocateUninitialized(DType.FLOAT32, 0, 5);
        Tensor scalar = Tensor.allocateUninitialized(DType.INT8)) {
      assertEquals(0, empty.data().byteSize());
      assertEquals(1, scalar.data().byteSize());
    }
  }
}
