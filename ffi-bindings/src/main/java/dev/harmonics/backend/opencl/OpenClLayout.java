package dev.harmonics.backend.opencl;

import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * Layout kernels on an OpenCL device ({@code layout.cl}): elements move as raw 4-byte or 1-byte
 * words, so the same kernels serve float32, int32 and int8.
 */
final class OpenClLayout extends LayoutKernels {

  private final OpenClDevice device;

  OpenClLayout(OpenClDevice device) {
    this.device = device;
  }

  private static String variant(String kernel, Tensor t) {
    return kernel + (t.dtype() == DType.INT8 ? "_1" : "_4");
  }

  @Override
  protected void copyImpl(Tensor src, Tensor dst) {
    int[] shape = Dims.shape("src", src, src.shape());
    int[] strides = Dims.strides(src.strides());
    long n = dst.size();
    device.execute(call -> {
      DeviceCall.Region region = call.inStrided(src);
      call.run(call.kernel(Program.LAYOUT, variant("copy_strided", src)), new long[] {n}, null,
          region.buffer(), region.baseElements(), shape, strides, call.out(dst), n);
    });
  }

  @Override
  protected void padImpl(Tensor x, int[] before, int[] after, PadMode mode, float value,
      Tensor y) {
    int[] xShape = Dims.shape("x", x, x.shape());
    int[] yShape = Dims.shape("y", y, y.shape());
    int[] pad = padded(before);
    long n = y.size();
    Object fill = switch (x.dtype()) {
      case FLOAT32 -> Float.floatToRawIntBits(value);
      case INT32 -> (int) value;
      case INT8 -> (int) (byte) value;
    };
    device.execute(call -> {
      if (x.dtype() == DType.INT8) {
        // A uchar kernel argument is one byte; the padded bits carry the value.
        call.run(call.kernel(Program.LAYOUT, "pad_1"), new long[] {n}, null, call.in(x), xShape,
            yShape, pad, mode.ordinal(), new DeviceCall.Byte((byte) (int) fill), call.out(y), n);
      } else {
        call.run(call.kernel(Program.LAYOUT, "pad_4"), new long[] {n}, null, call.in(x), xShape,
            yShape, pad, mode.ordinal(), fill, call.out(y), n);
      }
    });
  }

  @Override
  protected void padBackwardImpl(Tensor dy, int[] before, int[] after, PadMode mode,
      Tensor dx) {
    int[] xShape = Dims.shape("dx", dx, dx.shape());
    int[] yShape = Dims.shape("dy", dy, dy.shape());
    int[] pad = padded(before);
    long n = dx.size();
    device.execute(call -> call.run(call.kernel(Program.LAYOUT, "pad_backward"), new long[] {n},
        null, call.in(dy), xShape, yShape, pad, mode.ordinal(), call.out(dx), n));
  }

  @Override
  protected void concatImpl(List<Tensor> inputs, int axis, Tensor y) {
    place(inputs, axis, y, true);
  }

  @Override
  protected void splitImpl(Tensor y, int axis, List<Tensor> outputs) {
    place(outputs, axis, y, false);
  }

  private void place(List<Tensor> parts, int axis, Tensor whole, boolean intoWhole) {
    int[] wholeShape = Dims.shape("y", whole, whole.shape());
    int axis8 = axis + Dims.MAX_RANK - whole.rank();
    device.execute(call -> {
      // Concatenation writes every element of y, so y is not uploaded first.
      var wholeBuffer = intoWhole ? call.out(whole) : call.in(whole);
      int start = 0;
      for (Tensor part : parts) {
        long n = part.size();
        if (n > 0) {
          call.run(call.kernel(Program.LAYOUT, variant("place", whole)), new long[] {n}, null,
              intoWhole ? call.in(part) : call.out(part), Dims.shape("part", part, part.shape()),
              wholeBuffer, wholeShape, axis8, start, intoWhole ? 1 : 0, n);
        }
        start += part.dim(axis);
      }
    });
  }

  private static int[] padded(int[] before) {
    int[] out = new int[Dims.MAX_RANK];
    System.arraycopy(before, 0, out, Dims.MAX_RANK - before.length, before.length);
    return out;
  }
}
