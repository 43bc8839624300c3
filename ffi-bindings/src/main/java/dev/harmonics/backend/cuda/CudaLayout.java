package dev.harmonics.backend.cuda;

import static dev.harmonics.backend.cuda.KernelModule.LAYOUT;

import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * Layout kernels on a CUDA device ({@code layout.cu}): elements move as raw 1- or 4-byte values,
 * so every dtype and NaN payload survives.
 */
final class CudaLayout extends LayoutKernels {

  private final CallFactory calls;

  CudaLayout(CallFactory calls) {
    this.calls = calls;
  }

  private static String bytesSuffix(Tensor t) {
    return t.dtype().byteSize() == 1 ? "_b1" : "_b4";
  }

  @Override
  protected void copyImpl(Tensor src, Tensor dst) {
    try (DeviceCall call = calls.open()) {
      // A contiguous source may be pinned; a strided view is uploaded as the span it covers.
      long from = src.isContiguous() ? call.in(src) : call.strided(src);
      long[] strides = src.isContiguous() ? contiguousStrides(src.shape()) : src.strides();
      long to = call.out(dst);
      call.launch(LAYOUT, "hx_copy_strided" + bytesSuffix(src), dst.size(), from, to,
          (long) dst.size(), KernelStructs.geometry(dst.shape(), strides, null));
    }
  }

  private static long[] contiguousStrides(int[] shape) {
    long[] strides = new long[shape.length];
    long stride = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= shape[d];
    }
    return strides;
  }

  /** {@code PadMode} as {@code layout.cu} numbers it. */
  private static int code(PadMode mode) {
    return switch (mode) {
      case CONSTANT -> 0;
      case REFLECT -> 1;
      case EDGE -> 2;
    };
  }

  @Override
  protected void padImpl(Tensor x, int[] before, int[] after, PadMode mode, float value,
      Tensor y) {
    try (DeviceCall call = calls.open()) {
      long xs = call.in(x);
      long ys = call.out(y);
      var geometry = KernelStructs.geometry(y.shape(), KernelStructs.longs(x.shape()),
          KernelStructs.longs(before));
      if (x.dtype() == DType.INT8) {
        call.launch(LAYOUT, "hx_pad_b1", y.size(), xs, ys, (long) y.size(), code(mode),
            (int) (byte) value, geometry);
      } else {
        int bits = x.dtype() == DType.INT32 ? (int) value : Float.floatToRawIntBits(value);
        call.launch(LAYOUT, "hx_pad_b4", y.size(), xs, ys, (long) y.size(), code(mode), bits,
            geometry);
      }
    }
  }

  @Override
  protected void padBackwardImpl(Tensor dy, int[] before, int[] after, PadMode mode, Tensor dx) {
    try (DeviceCall call = calls.open()) {
      long dys = call.in(dy);
      long dxs = call.out(dx);
      call.launch(LAYOUT, "hx_pad_backward", dx.size(), dys, dxs, (long) dx.size(), code(mode),
          KernelStructs.geometry(dy.shape(), KernelStructs.longs(dx.shape()),
              KernelStructs.longs(before)));
    }
  }

  @Override
  protected void concatImpl(List<Tensor> inputs, int axis, Tensor y) {
    movePieces(inputs, axis, y, true);
  }

  @Override
  protected void splitImpl(Tensor y, int axis, List<Tensor> outputs) {
    movePieces(outputs, axis, y, false);
  }

  /** Copies each piece into (concat) or out of (split) its columns of {@code whole}. */
  private void movePieces(List<Tensor> pieces, int axis, Tensor whole, boolean toWhole) {
    long inner = 1;
    for (int d = axis + 1; d < whole.rank(); d++) {
      inner *= whole.dim(d);
    }
    try (DeviceCall call = calls.open()) {
      long w = toWhole ? call.out(whole) : call.in(whole);
      long start = 0;
      for (Tensor piece : pieces) {
        if (piece.size() > 0) {
          long p = toWhole ? call.in(piece) : call.out(piece);
          call.launch(LAYOUT, "hx_concat_part" + bytesSuffix(whole), piece.size(), p, w,
              (long) piece.size(), piece.dim(axis) * inner, whole.dim(axis) * inner,
              start * inner, toWhole ? 1 : 0);
        }
        start += piece.dim(axis);
      }
    }
  }
}
