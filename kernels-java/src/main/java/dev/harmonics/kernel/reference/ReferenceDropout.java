package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-Java dropout: one Philox block per element, straight from the definition. */
final class ReferenceDropout extends DropoutKernels {

  @Override
  protected void forwardImpl(Tensor x, float p, long seed, long offset, Tensor y, Tensor mask) {
    long threshold = dropThreshold(p);
    float scale = keepScale(p);
    MemorySegment in = x.data();
    MemorySegment out = y.data();
    MemorySegment kept = mask == null ? null : mask.data();
    for (int i = 0, n = x.size(); i < n; i++) {
      boolean keep = Integer.toUnsignedLong(randomBits(seed, offset, i)) >= threshold;
      float v = in.getAtIndex(ValueLayout.JAVA_FLOAT, i);
      out.setAtIndex(ValueLayout.JAVA_FLOAT, i, v * (keep ? scale : 0f));
      if (kept != null) {
        kept.set(ValueLayout.JAVA_BYTE, i, (byte) (keep ? 1 : 0));
      }
    }
  }

  @Override
  protected void backwardImpl(Tensor dy, Tensor mask, float p, Tensor dx) {
    float scale = keepScale(p);
    MemorySegment g = dy.data();
    MemorySegment kept = mask.data();
    MemorySegment out = dx.data();
    for (int i = 0, n = dy.size(); i < n; i++) {
      boolean keep = kept.get(ValueLayout.JAVA_BYTE, i) != 0;
      out.setAtIndex(ValueLayout.JAVA_FLOAT, i,
          g.getAtIndex(ValueLayout.JAVA_FLOAT, i) * (keep ? scale : 0f));
    }
  }
}
