package dev.harmonics.data.idx;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The contents of one IDX file: its element type, its dimensions and its elements, kept as the
 * file's big-endian bytes so a 47 MB image file stays 47 MB in memory and is converted to floats
 * only as samples are read.
 */
public final class IdxArray {

  private static final VarHandle SHORT_BE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle FLOAT_BE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle DOUBLE_BE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);

  private final IdxType type;
  private final int[] dims;
  private final byte[] data;

  /**
   * An array over {@code data}, the big-endian elements in row-major order (not copied).
   *
   * @throws IllegalArgumentException when {@code data} does not hold exactly the elements
   *     {@code dims} describes
   */
  public IdxArray(IdxType type, int[] dims, byte[] data) {
    this.type = type;
    this.dims = dims.clone();
    long expected = elementCount(this.dims) * type.byteSize();
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "data: " + data.length + " bytes (expected " + expected + " for " + describe(type, dims)
              + ")");
    }
    this.data = data;
  }

  static long elementCount(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  static String describe(IdxType type, int[] dims) {
    return type.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(dims);
  }

  /** The element type the file declared. */
  public IdxType type() {
    return type;
  }

  /** The dimensions, the number of items first. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of items: the first dimension. */
  public int count() {
    return dims[0];
  }

  /** Elements per item: the product of every dimension after the first. */
  public int itemSize() {
    return (int) (elementCount(dims) / dims[0]);
  }

  /** The raw big-endian bytes (not a copy: do not modify). */
  byte[] bytes() {
    return data;
  }

  /** Element {@code index} (row-major, from 0) as a double, exact for every IDX type. */
  public double get(long index) {
    int at = Math.toIntExact(index * type.byteSize());
    return switch (type) {
      case UNSIGNED_BYTE -> data[at] & 0xFF;
      case SIGNED_BYTE -> data[at];
      case SHORT -> (short) SHORT_BE.get(data, at);
      case INT -> (int) INT_BE.get(data, at);
      case FLOAT -> (float) FLOAT_BE.get(data, at);
      case DOUBLE -> (double) DOUBLE_BE.get(data, at);
    };
  }

  /**
   * Converts the {@code count} elements from element {@code from} to floats times {@code scale}
   * into {@code dst} from {@code offset}.
   */
  public void copyAsFloats(long from, int count, float[] dst, int offset, float scale) {
    if (type == IdxType.UNSIGNED_BYTE) {
      int at = Math.toIntExact(from);
      for (int i = 0; i < count; i++) {
        dst[offset + i] = (data[at + i] & 0xFF) * scale;
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      dst[offset + i] = (float) (get(from + i) * scale);
    }
  }

  @Override
  public String toString() {
    return describe(type, dims);
  }
}
