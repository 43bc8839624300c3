package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Embedding lookup (gathering rows of a table by index) and its gradient (scattering rows back,
 * adding where indices repeat).
 *
 * <p>The public methods validate every argument, including every index against the table size,
 * and throw {@link IllegalArgumentException} naming the parameter; the protected methods do the
 * work and only assert.
 */
public abstract class EmbeddingKernels {

  protected EmbeddingKernels() {}

  /**
   * Gathers rows: {@code out[i..., :] = table[indices[i...], :]}.
   *
   * @param table float32 {@code [V, D]}, contiguous
   * @param indices int32, contiguous, any shape (rank 0 included); every value in {@code [0, V)}
   * @param out float32 {@code [indices.shape..., D]}, contiguous, apart from {@code table}
   */
  public final void lookup(Tensor table, Tensor indices, Tensor out) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(out, "out");
    checkTable(table, "table");
    checkIndices(indices, table, "table");
    requireRows(out, "out", indices, table.dim(1), "table", table);
    MemoryOverlap.requireDisjoint(table, "table", out, "out");
    MemoryOverlap.requireDisjoint(indices, "indices", out, "out");
    if (out.size() > 0) {
      lookupImpl(table, indices, out);
    }
  }

  /**
   * The gradient of {@link #lookup} with respect to the table, added into {@code dtable}:
   * {@code dtable[indices[i...], :] += dout[i..., :]} for every position, so an index that appears
   * k times receives the sum of its k gradient rows. The rows are added in increasing position
   * order for every element, whatever the thread count, so results are reproducible bit for bit.
   *
   * <p>{@code dtable} is accumulated into, not overwritten: zero it first for a fresh gradient.
   * That lets micro-batches accumulate, and spares rewriting a large table for a small batch.
   *
   * @param indices int32, contiguous, any shape; every value in {@code [0, V)}
   * @param dout float32 {@code [indices.shape..., D]}, contiguous
   * @param dtable float32 {@code [V, D]}, contiguous, apart from {@code dout} and {@code indices}
   */
  public final void backward(Tensor indices, Tensor dout, Tensor dtable) {
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(dout, "dout");
    Objects.requireNonNull(dtable, "dtable");
    checkTable(dtable, "dtable");
    checkIndices(indices, dtable, "dtable");
    requireRows(dout, "dout", indices, dtable.dim(1), "dtable", dtable);
    MemoryOverlap.requireDisjoint(dout, "dout", dtable, "dtable");
    MemoryOverlap.requireDisjoint(indices, "indices", dtable, "dtable");
    if (dout.size() > 0) {
      backwardImpl(indices, dout, dtable);
    }
  }

  /** {@link #lookup} after validation; every index is in range; {@code out.size() > 0}. */
  protected abstract void lookupImpl(Tensor table, Tensor indices, Tensor out);

  /** {@link #backward} after validation; every index is in range; {@code dout.size() > 0}. */
  protected abstract void backwardImpl(Tensor indices, Tensor dout, Tensor dtable);

  private static void checkTable(Tensor table, String name) {
    if (table.dtype() != DType.FLOAT32 || table.rank() != 2) {
      throw new IllegalArgumentException(
          name + ": " + table.describe() + " (expected: float32[V, D])");
    }
    if (!table.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + table.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
  }

  private static void checkIndices(Tensor indices, Tensor table, String tableName) {
    if (indices.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          "indices: " + indices.describe() + " (expected: int32, any shape)");
    }
    if (!indices.isContiguous()) {
      throw new IllegalArgumentException("indices: " + indices.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
    int rows = table.dim(0);
    MemorySegment values = indices.data();
    for (int i = 0, n = indices.size(); i < n; i++) {
      int index = values.getAtIndex(ValueLayout.JAVA_INT, i);
      if (index < 0 || index >= rows) {
        throw new IllegalArgumentException("indices: element " + i + " "
            + Arrays.toString(coordinates(i, indices.shape())) + " is " + index
            + " (expected: 0 <= index < V = " + rows + ", the rows of " + tableName + ": "
            + table.describe() + ")");
      }
    }
  }

  private static void requireRows(Tensor t, String name, Tensor indices, int width,
      String tableName, Tensor table) {
    int[] expected = Arrays.copyOf(indices.shape(), indices.rank() + 1);
    expected[indices.rank()] = width;
    if (t.dtype() != DType.FLOAT32 || !t.hasShape(expected)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: float32"
          + Arrays.toString(expected) + " for indices: " + indices.describe() + " and "
          + tableName + ": " + table.describe() + ")");
    }
    if (!t.isContiguous()) {
      throw new IllegalArgumentException(name + ": " + t.describe()
          + " (expected: a contiguous tensor; call contiguous() first)");
    }
  }

  private static int[] coordinates(int flat, int[] shape) {
    int[] c = new int[shape.length];
    int rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      c[d] = rest % shape[d];
      rest /= shape[d];
    }
    return c;
  }
}
