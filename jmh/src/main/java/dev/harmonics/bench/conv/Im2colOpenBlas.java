package dev.harmonics.bench.conv;

import dev.harmonics.ffi.openblas.OpenBlas;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The baseline the SIMD convolution is measured against: what a user without a convolution kernel
 * writes, an im2col copy in Java followed by one OpenBLAS {@code sgemm} per image and group. Both
 * steps are timed. The output rows start as the bias and the product is added with {@code beta =
 * 1}, which saves a separate bias pass. The im2col copy runs on the calling thread; OpenBLAS uses
 * its own threads.
 */
final class Im2colOpenBlas implements AutoCloseable {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private final OpenBlas blas;
  private final int channels;
  private final int height;
  private final int width;
  private final int outChannels;
  private final int kernel;
  private final Conv2dParams p;
  private final int outHeight;
  private final int outWidth;
  /** {@code [C/groups * KH * KW, OH * OW]}: one image's (and group's) columns. */
  private final Tensor columns;

  Im2colOpenBlas(OpenBlas blas, ConvLayer layer) {
    this.blas = blas;
    this.channels = layer.inChannels;
    this.height = layer.size;
    this.width = layer.size;
    this.outChannels = layer.outChannels;
    this.kernel = layer.kernel;
    this.p = layer.params;
    this.outHeight = p.outputHeight(height, kernel);
    this.outWidth = p.outputWidth(width, kernel);
    this.columns = Tensor.zeros(channels / p.groups() * kernel * kernel, outHeight * outWidth);
  }

  /** {@code y = conv(x, w) + bias}, with the shapes of {@link ConvRun}. */
  void forward(Tensor x, Tensor w, Tensor bias, Tensor y) {
    int groups = p.groups();
    int cg = channels / groups;
    int og = outChannels / groups;
    int taps = cg * kernel * kernel;
    int plane = outHeight * outWidth;
    MemorySegment xs = x.data();
    MemorySegment ws = w.data();
    MemorySegment bs = bias.data();
    MemorySegment ys = y.data();
    MemorySegment cs = columns.data();
    int batch = x.dim(0);
    for (int n = 0; n < batch; n++) {
      for (int g = 0; g < groups; g++) {
        long image = ((long) n * channels + (long) g * cg) * height * width;
        im2col(xs, image, cg, cs);
        long out = ((long) n * outChannels + (long) g * og) * plane;
        for (int o = 0; o < og; o++) {
          float b = bs.getAtIndex(F, (long) g * og + o);
          fill(ys, out + (long) o * plane, plane, b);
        }
        blas.sgemm(false, false, og, plane, taps, 1f,
            ws.asSlice(4L * g * og * taps, 4L * og * taps), taps, cs, plane, 1f,
            ys.asSlice(4L * out, 4L * og * plane), plane);
      }
    }
  }

  /** Columns of one image's group of {@code cg} channels starting at element {@code image}. */
  private void im2col(MemorySegment xs, long image, int cg, MemorySegment cs) {
    int plane = outHeight * outWidth;
    long row = 0;
    for (int c = 0; c < cg; c++) {
      long channel = image + (long) c * height * width;
      for (int u = 0; u < kernel; u++) {
        for (int v = 0; v < kernel; v++, row++) {
          long target = row * plane;
          for (int oy = 0; oy < outHeight; oy++) {
            int iy = oy * p.strideH() - p.padH() + u * p.dilationH();
            long to = target + (long) oy * outWidth;
            if (iy < 0 || iy >= height) {
              fill(cs, to, outWidth, 0f);
              continue;
            }
            copyRow(xs, channel + (long) iy * width, v * p.dilationW() - p.padW(), cs, to);
          }
        }
      }
    }
  }

  /** One output row's inputs {@code x[start + ox * stride]}, zero where they fall in the padding. */
  private void copyRow(MemorySegment xs, long rowStart, int start, MemorySegment cs, long to) {
    int stride = p.strideW();
    // The span of ox whose input column lies inside the row; outside it is padding.
    int first = Math.max(0, Math.ceilDiv(-start, stride));
    int last = Math.min(outWidth, Math.ceilDiv(width - start, stride));
    fill(cs, to, Math.min(first, outWidth), 0f);
    if (stride == 1 && last > first) {
      MemorySegment.copy(xs, 4L * (rowStart + start + first), cs, 4L * (to + first),
          4L * (last - first));
    } else {
      for (int ox = first; ox < last; ox++) {
        cs.setAtIndex(F, to + ox, xs.getAtIndex(F, rowStart + start + (long) ox * stride));
      }
    }
    if (last < outWidth) {
      fill(cs, to + Math.max(last, first), outWidth - Math.max(last, first), 0f);
    }
  }

  private static void fill(MemorySegment s, long at, int count, float value) {
    for (int i = 0; i < count; i++) {
      s.setAtIndex(F, at + i, value);
    }
  }

  @Override
  public void close() {
    columns.close();
  }
}
