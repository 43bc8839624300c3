package dev.harmonics.graph;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The shape of one sample flowing through a graph, without the batch dimension: {@code {784}} for
 * a flat image, {@code {1, 28, 28}} for a one-channel image, {@code {seq, dim}} for a sequence.
 * Every dimension is at least 1 and a shape has at least one dimension. Immutable.
 */
public final class Shape {

  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /**
   * A shape with these dimensions.
   *
   * @throws IllegalArgumentException when there is no dimension or one is below 1
   */
  public static Shape of(int... dims) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("dims: none (expected: at least one dimension)");
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 1) {
        throw new IllegalArgumentException(
            "dims[" + i + "]: " + dims[i] + " (expected: >= 1) in " + Arrays.toString(dims));
      }
    }
    Shape shape = new Shape(dims.clone());
    shape.elements();
    return shape;
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Size of dimension {@code i} (0-based; negative counts from the end, -1 is the last). */
  public int dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  /** The last dimension: the features a dense layer reads. */
  public int last() {
    return dims[dims.length - 1];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /**
   * Number of elements in one sample.
   *
   * @throws ArithmeticException when it does not fit in an int
   */
  public int elements() {
    int n = 1;
    for (int d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** This shape with its last dimension replaced by {@code size}. */
  public Shape withLast(int size) {
    int[] copy = dims.clone();
    copy[copy.length - 1] = size;
    return of(copy);
  }

  /** This shape with {@code size} appended as a new last dimension. */
  public Shape append(int size) {
    int[] copy = Arrays.copyOf(dims, dims.length + 1);
    copy[dims.length] = size;
    return of(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** The HARP form, e.g. {@code {1,28,28}}. */
  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(",", "{", "}");
    for (int d : dims) {
      joiner.add(Integer.toString(d));
    }
    return joiner.toString();
  }
}
