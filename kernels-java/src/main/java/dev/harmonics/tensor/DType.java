package dev.harmonics.tensor;

import java.lang.foreign.ValueLayout;

/** Element types of a {@link Tensor}: float32 for compute, int8 and int32 for quantised kernels. */
public enum DType {
  FLOAT32(ValueLayout.JAVA_FLOAT),
  INT8(ValueLayout.JAVA_BYTE),
  INT32(ValueLayout.JAVA_INT);

  private final ValueLayout layout;

  DType(ValueLayout layout) {
    this.layout = layout;
  }

  /** The layout of one element in native byte order, as native code sees it. */
  public ValueLayout layout() {
    return layout;
  }

  public int byteSize() {
    return (int) layout.byteSize();
  }
}
