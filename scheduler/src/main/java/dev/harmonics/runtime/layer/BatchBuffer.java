package dev.harmonics.runtime.layer;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * A reusable tensor of {@code [batch, sampleShape...]}: allocated once for the largest batch seen
 * and handed out as a leading-rows view for smaller ones (the last batch of an epoch), so a
 * training loop allocates nothing per step.
 */
public final class BatchBuffer implements AutoCloseable {

  private final DType dtype;
  private final int[] sampleShape;
  private Tensor storage;
  private Tensor view;
  private int viewRows = -1;

  /** A float32 buffer for samples of {@code sampleShape}; allocated by the first {@link #get}. */
  public BatchBuffer(int... sampleShape) {
    this(DType.FLOAT32, sampleShape);
  }

  /** A buffer of {@code dtype} elements for samples of {@code sampleShape}. */
  public BatchBuffer(DType dtype, int... sampleShape) {
    this.dtype = dtype;
    this.sampleShape = sampleShape.clone();
  }

  /** A contiguous {@code [rows, sampleShape...]}; its contents are left as they were. */
  public Tensor get(int rows) {
    if (storage == null || storage.dim(0) < rows) {
      close();
      int[] shape = new int[sampleShape.length + 1];
      shape[0] = rows;
      System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
      storage = Tensor.allocate(dtype, shape);
      viewRows = -1;
    }
    if (rows != viewRows) {
      view = rows == storage.dim(0) ? storage : storage.slice(0, 0, rows);
      viewRows = rows;
    }
    return view;
  }

  /** The per-sample shape. */
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  @Override
  public void close() {
    if (storage != null) {
      storage.close();
      storage = null;
      view = null;
      viewRows = -1;
    }
  }

  @Override
  public String toString() {
    return "BatchBuffer" + Arrays.toString(sampleShape);
  }
}
