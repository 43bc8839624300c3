package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.BinaryOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise loops along one contiguous row: a vector body and a scalar tail computing the same
 * IEEE float operation, so results are identical to the reference. One loop per operation and
 * broadcast pattern (both operands advancing, or one fixed along the row), so that no vector ever
 * passes through a switch or a call C2 might not inline. Offsets are in bytes.
 */
final class ElementwiseRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private ElementwiseRows() {}

  /**
   * out = a op b over n elements, where each operand's stride along the row is 0 (one value,
   * broadcast) or 1.
   */
  static void row(BinaryOp op, MemorySegment a, long ao, int aStride, MemorySegment b, long bo,
      int bStride, MemorySegment o, long oo, int n) {
    if (aStride == 1 && bStride == 1) {
      switch (op) {
        case ADD -> add(a, ao, b, bo, o, oo, n);
        case SUB -> sub(a, ao, b, bo, o, oo, n);
        case MUL -> mul(a, ao, b, bo, o, oo, n);
        case DIV -> div(a, ao, b, bo, o, oo, n);
      }
    } else if (aStride == 1) {
      scalar(op, a, ao, b.get(F, bo), o, oo, n);
    } else if (bStride == 1) {
      float s = a.get(F, ao);
      switch (op) {
        case ADD -> addScalarFirst(s, b, bo, o, oo, n);
        case SUB -> subScalarFirst(s, b, bo, o, oo, n);
        case MUL -> mulScalarFirst(s, b, bo, o, oo, n);
        case DIV -> divScalarFirst(s, b, bo, o, oo, n);
      }
    } else {
      float value = (float) op.applyAsDouble(a.get(F, ao), b.get(F, bo));
      for (int i = 0; i < n; i++) {
        o.set(F, oo + 4L * i, value);
      }
    }
  }

  /** out = a op s over n elements. */
  static void scalar(BinaryOp op, MemorySegment a, long ao, float s, MemorySegment o, long oo,
      int n) {
    switch (op) {
      case ADD -> addScalar(a, ao, s, o, oo, n);
      case SUB -> subScalar(a, ao, s, o, oo, n);
      case MUL -> mulScalar(a, ao, s, o, oo, n);
      case DIV -> divScalar(a, ao, s, o, oo, n);
    }
  }

  /** out = value over n elements. */
  static void fill(MemorySegment o, long oo, float value, int n) {
    o = o.asSlice(oo, 4L * n);
    FloatVector v = FloatVector.broadcast(S, value);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      v.intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, value);
    }
  }

  /** y = fma(alpha, x, y) over n elements. */
  static void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, int n) {
    x = x.asSlice(xo, 4L * n);
    y = y.asSlice(yo, 4L * n);
    FloatVector a = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, x, 4L * i, ORDER);
      FloatVector w = FloatVector.fromMemorySegment(S, y, 4L * i, ORDER);
      a.fma(v, w).intoMemorySegment(y, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      y.set(F, 4L * i, Math.fma(alpha, x.get(F, 4L * i), y.get(F, 4L * i)));
    }
  }

  /** db = -(dy * a) / (b * b) over n elements: the divisor's gradient when nothing broadcasts. */
  static void divisorGradient(MemorySegment g, long go, MemorySegment a, long ao, MemorySegment b,
      long bo, MemorySegment o, long oo, int n) {
    g = g.asSlice(go, 4L * n);
    a = a.asSlice(ao, 4L * n);
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector dy = FloatVector.fromMemorySegment(S, g, 4L * i, ORDER);
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      dy.mul(x).neg().div(y.mul(y)).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      float y = b.get(F, 4L * i);
      o.set(F, 4L * i, -(g.get(F, 4L * i) * a.get(F, 4L * i)) / (y * y));
    }
  }

  /** out = a + b over n elements, both operands advancing. */
  static void add(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
      long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.add(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) + b.get(F, 4L * i));
    }
  }

  /** out = a + s over n elements, a advancing, s fixed. */
  static void addScalar(MemorySegment a, long ao, float s, MemorySegment o, long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      x.add(s).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) + s);
    }
  }

  /** out = s + b over n elements, s fixed, b advancing. */
  static void addScalarFirst(float s, MemorySegment b, long bo, MemorySegment o, long oo,
      int n) {
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    FloatVector x = FloatVector.broadcast(S, s);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.add(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, s + b.get(F, 4L * i));
    }
  }

  /** out = a - b over n elements, both operands advancing. */
  static void sub(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
      long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.sub(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) - b.get(F, 4L * i));
    }
  }

  /** out = a - s over n elements, a advancing, s fixed. */
  static void subScalar(MemorySegment a, long ao, float s, MemorySegment o, long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      x.sub(s).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) - s);
    }
  }

  /** out = s - b over n elements, s fixed, b advancing. */
  static void subScalarFirst(float s, MemorySegment b, long bo, MemorySegment o, long oo,
      int n) {
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    FloatVector x = FloatVector.broadcast(S, s);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.sub(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, s - b.get(F, 4L * i));
    }
  }

  /** out = a * b over n elements, both operands advancing. */
  static void mul(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
      long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.mul(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) * b.get(F, 4L * i));
    }
  }

  /** out = a * s over n elements, a advancing, s fixed. */
  static void mulScalar(MemorySegment a, long ao, float s, MemorySegment o, long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      x.mul(s).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) * s);
    }
  }

  /** out = s * b over n elements, s fixed, b advancing. */
  static void mulScalarFirst(float s, MemorySegment b, long bo, MemorySegment o, long oo,
      int n) {
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    FloatVector x = FloatVector.broadcast(S, s);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.mul(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, s * b.get(F, 4L * i));
    }
  }

  /** out = a / b over n elements, both operands advancing. */
  static void div(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment o,
      long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.div(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) / b.get(F, 4L * i));
    }
  }

  /** out = a / s over n elements, a advancing, s fixed. */
  static void divScalar(MemorySegment a, long ao, float s, MemorySegment o, long oo, int n) {
    a = a.asSlice(ao, 4L * n);
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, a, 4L * i, ORDER);
      x.div(s).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, a.get(F, 4L * i) / s);
    }
  }

  /** out = s / b over n elements, s fixed, b advancing. */
  static void divScalarFirst(float s, MemorySegment b, long bo, MemorySegment o, long oo,
      int n) {
    b = b.asSlice(bo, 4L * n);
    o = o.asSlice(oo, 4L * n);
    FloatVector x = FloatVector.broadcast(S, s);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector y = FloatVector.fromMemorySegment(S, b, 4L * i, ORDER);
      x.div(y).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, s / b.get(F, 4L * i));
    }
  }
}
