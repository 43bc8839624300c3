package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API dropout: the Philox generator runs in vector lanes ({@link PhiloxDropout}); the
 * mask-based backward turns 4 x LANES mask bytes into lane masks with one compare.
 */
final class SimdDropout extends DropoutKernels {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, SimdSpecies.FLOAT.vectorShape());
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** About 64K elements per thread: far above the cost of handing out a task. */
  private static final int GRAIN_GROUPS = 1024;
  private static final int GRAIN_ELEMENTS = 1 << 16;

  @Override
  protected void forwardImpl(Tensor x, float p, long seed, long offset, Tensor y, Tensor mask) {
    PhiloxDropout dropout = new PhiloxDropout(x.storage(), x.offset(), y.storage(), y.offset(),
        mask == null ? null : mask.storage(), mask == null ? 0 : mask.offset(), p, seed, offset);
    int n = x.size();
    int groups = n / PhiloxDropout.GROUP;
    KernelPool.shared().parallelFor(groups, GRAIN_GROUPS, dropout::groups);
    for (long i = (long) groups * PhiloxDropout.GROUP; i < n; i++) {
      dropout.element(seed, offset, i);
    }
  }

  @Override
  protected void backwardImpl(Tensor dy, Tensor mask, float p, Tensor dx) {
    float scale = keepScale(p);
    MemorySegment g = dy.storage();
    MemorySegment kept = mask.storage();
    MemorySegment out = dx.storage();
    long gBase = dy.offset();
    long kBase = mask.offset();
    long oBase = dx.offset();
    KernelPool.shared().parallelFor(dy.size(), GRAIN_ELEMENTS, (lo, hi) -> {
      FloatVector factor = FloatVector.broadcast(F, scale);
      FloatVector zero = FloatVector.zero(F);
      int step = B.length();
      int i = lo;
      for (; i <= hi - step; i += step) {
        long keepBits = ByteVector.fromMemorySegment(B, kept, kBase + i, NATIVE)
            .compare(VectorOperators.NE, 0).toLong();
        for (int part = 0; part < 4; part++) {
          VectorMask<Float> keep = VectorMask.fromLong(F, keepBits >>> (part * F.length()));
          long at = i + (long) part * F.length();
          FloatVector.fromMemorySegment(F, g, (gBase + at) * 4, NATIVE)
              .mul(zero.blend(factor, keep))
              .intoMemorySegment(out, (oBase + at) * 4, NATIVE);
        }
      }
      for (; i < hi; i++) {
        boolean keep = kept.get(ValueLayout.JAVA_BYTE, kBase + i) != 0;
        out.setAtIndex(ValueLayout.JAVA_FLOAT, oBase + i,
            g.getAtIndex(ValueLayout.JAVA_FLOAT, gBase + i) * (keep ? scale : 0f));
      }
    });
  }
}
