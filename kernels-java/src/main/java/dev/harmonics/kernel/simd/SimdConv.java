package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API convolutions. Three drivers do all the work: the forward convolution, by the
 * algorithm {@link ConvForwardPlan} picks for the shape (implicit-im2col matrix product, direct,
 * 1x1 GEMM or explicit im2col + GEMM), {@link ConvBackwardData} (the same product in gather form, one unit-stride
 * correlation per stride residue) and {@link ConvBackwardWeight} (the same register tile, reducing
 * along output positions; {@link ConvWeightThin} when groups have very few output channels). A
 * transposed convolution is the adjoint of a forward one, so its three kernels are those drivers
 * with the roles of input and output exchanged.
 */
final class SimdConv extends ConvKernels {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  @Override
  protected void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor y) {
    ConvForwardPlan.run(ConvGeometry.of(x, w, y, p), x.data(), w.data(), data(bias), y.data());
  }

  @Override
  protected void backwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    ConvBackwardData.run(ConvGeometry.of(dx, w, dy, p), dy.data(), w.data(), null, dx.data());
  }

  @Override
  protected void backwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    weightGradient(ConvGeometry.of(x, dw, dy, p), x.data(), dy.data(), dw.data());
  }

  @Override
  protected void biasGradient(Tensor dy, Tensor dbias) {
    MemorySegment dys = dy.data();
    MemorySegment db = dbias.data();
    int n = dy.dim(0);
    int channels = dy.dim(1);
    int plane = dy.dim(2) * dy.dim(3);
    int grain = Math.max(1, (1 << 16) / Math.max(1, n * plane));
    KernelPool.shared().parallelFor(channels, grain, (from, to) -> {
      for (int c = from; c < to; c++) {
        FloatVector sum = FloatVector.zero(F);
        float tail = 0f;
        for (int b = 0; b < n; b++) {
          long base = ((long) b * channels + c) * plane;
          int k = 0;
          for (int bound = F.loopBound(plane); k < bound; k += L) {
            sum = sum.add(FloatVector.fromMemorySegment(F, dys, (base + k) * Float.BYTES, ORDER));
          }
          for (; k < plane; k++) {
            tail += dys.getAtIndex(FLOAT, base + k);
          }
        }
        db.setAtIndex(FLOAT, c, LaneSum.sum(sum) + tail);
      }
    });
  }

  /** The adjoint of the forward convolution from {@code y}'s shape to {@code x}'s. */
  @Override
  protected void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams p, Tensor y) {
    ConvBackwardData.run(ConvGeometry.of(y, w, x, p), x.data(), w.data(), data(bias), y.data());
  }

  @Override
  protected void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams p, Tensor dx) {
    ConvForwardPlan.run(ConvGeometry.of(dy, w, dx, p), dy.data(), w.data(), null, dx.data());
  }

  @Override
  protected void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dw) {
    weightGradient(ConvGeometry.of(dy, dw, x, p), dy.data(), x.data(), dw.data());
  }

  private static void weightGradient(ConvGeometry g, MemorySegment x, MemorySegment dy,
      MemorySegment dw) {
    if (ConvWeightThin.suits(g)) {
      ConvWeightThin.run(g, x, dy, dw);
    } else {
      ConvBackwardWeight.run(g, x, dy, dw);
    }
  }

  private static MemorySegment data(Tensor t) {
    return t == null ? null : t.data();
  }
}
