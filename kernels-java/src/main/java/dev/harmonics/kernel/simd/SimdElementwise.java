package dev.harmonics.kernel.simd;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Broadcasting;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Vector API elementwise kernels. Same-shape operands and scalars run as one contiguous row split
 * over threads; broadcasting goes through a {@link BroadcastPlan}, whose inner row is a vector
 * loop with each operand either advancing or fixed (a bias over [N, C] is rows of C with the bias
 * advancing; a per-channel operand over NCHW is rows of H*W with it fixed).
 *
 * <p>Gradients: an operand with the output's shape gets an elementwise product or quotient (or a
 * copy); a broadcast operand gets a {@link SimdReducer} sum over its broadcast dimensions of dy,
 * dy times, or dy divided by, the other operand.
 */
final class SimdElementwise extends ElementwiseKernels {

  private static final int A = 1;
  private static final int B = 2;
  private static final long[] NO_OFFSETS = new long[0];

  @Override
  protected void forwardKernel(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    if (a.sameShape(out) && b.sameShape(out)) {
      MemorySegment as = a.storage();
      MemorySegment bs = b.storage();
      MemorySegment os = out.storage();
      long ao = a.byteOffset();
      long bo = b.byteOffset();
      long oo = out.byteOffset();
      contiguous(out.size(), PointwiseThreads.shareable(a, b, out), (offsets, from, to) ->
          ElementwiseRows.row(op, as, ao + 4L * from, 1, bs, bo + 4L * from, 1, os,
              oo + 4L * from, to - from));
      return;
    }
    int[] shape = out.shape();
    BroadcastPlan plan = BroadcastPlan.of(shape, Broadcasting.strides(shape, shape),
        Broadcasting.strides(a.shape(), shape), Broadcasting.strides(b.shape(), shape));
    forward(op, plan, a, b, out);
  }

  @Override
  protected void backwardKernel(
      BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
    // The gradient that shares dy's memory is written last, after dy has been read for the other.
    boolean aFirst = da == null || db == null || !dy.storage().equals(da.storage())
        || dy.byteOffset() != da.byteOffset();
    if (aFirst) {
      gradientOfA(op, a, b, dy, da);
      gradientOfB(op, a, b, dy, db);
    } else {
      gradientOfB(op, a, b, dy, db);
      gradientOfA(op, a, b, dy, da);
    }
  }

  @Override
  protected void scalarKernel(BinaryOp op, Tensor x, float s, Tensor out) {
    applyScalar(op, x, s, out);
  }

  private static void scale(Tensor x, float s, Tensor out) {
    applyScalar(BinaryOp.MUL, x, s, out);
  }

  private static void applyScalar(BinaryOp op, Tensor x, float s, Tensor out) {
    MemorySegment xs = x.storage();
    MemorySegment os = out.storage();
    long xo = x.byteOffset();
    long oo = out.byteOffset();
    int n = x.size();
    if (n <= RowExecutor.GRAIN) {
      // Directly, not through contiguous(): C2 did not remove its lambda here (48 bytes a call).
      ElementwiseRows.scalar(op, xs, xo, s, os, oo, n);
      return;
    }
    contiguous(n, PointwiseThreads.shareable(x, out),
        (offsets, from, to) -> ElementwiseRows.scalar(op, xs, xo + 4L * from, s, os,
            oo + 4L * from, to - from));
  }

  @Override
  protected void axpyKernel(float alpha, Tensor x, Tensor y) {
    MemorySegment xs = x.storage();
    MemorySegment ys = y.storage();
    long xo = x.byteOffset();
    long yo = y.byteOffset();
    contiguous(x.size(), PointwiseThreads.shareable(x, y),
        (offsets, from, to) -> ElementwiseRows.axpy(alpha, xs, xo + 4L * from, ys,
            yo + 4L * from, to - from));
  }

  private static void gradientOfA(BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor da) {
    if (da == null) {
      return;
    }
    int[] shape = dy.shape();
    if (da.sameShape(dy)) {
      switch (op) {
        case ADD, SUB -> dy.copyTo(da);
        case MUL -> forward(BinaryOp.MUL, plan(shape, b), dy, b, da);
        case DIV -> forward(BinaryOp.DIV, plan(shape, b), dy, b, da);
      }
      return;
    }
    long[] target = Broadcasting.strides(a.shape(), shape);
    switch (op) {
      case ADD, SUB -> SimdReducer.run(SimdReducer.Kind.SUM, shape, dy, null, null, da, target, 1);
      case MUL -> SimdReducer.run(SimdReducer.Kind.SUM_OF_PRODUCTS, shape, dy, b,
          Broadcasting.strides(b.shape(), shape), da, target, 1);
      case DIV -> SimdReducer.run(SimdReducer.Kind.SUM_OF_QUOTIENTS, shape, dy, b,
          Broadcasting.strides(b.shape(), shape), da, target, 1);
    }
  }

  private static void gradientOfB(BinaryOp op, Tensor a, Tensor b, Tensor dy, Tensor db) {
    if (db == null) {
      return;
    }
    int[] shape = dy.shape();
    if (db.sameShape(dy)) {
      switch (op) {
        case ADD -> dy.copyTo(db);
        case SUB -> scale(dy, -1f, db);
        case MUL -> forward(BinaryOp.MUL, plan(shape, a), dy, a, db);
        case DIV -> divisorGradient(a, b, dy, db);
      }
      return;
    }
    long[] target = Broadcasting.strides(b.shape(), shape);
    switch (op) {
      case ADD -> SimdReducer.run(SimdReducer.Kind.SUM, shape, dy, null, null, db, target, 1);
      case SUB -> SimdReducer.run(SimdReducer.Kind.SUM, shape, dy, null, null, db, target, -1);
      case MUL, DIV -> {
        SimdReducer.run(SimdReducer.Kind.SUM_OF_PRODUCTS, shape, dy, a,
            Broadcasting.strides(a.shape(), shape), db, target, op == BinaryOp.MUL ? 1 : -1);
        if (op == BinaryOp.DIV) {
          // d(a/b)/db summed = -(sum dy a) / b^2, b being constant over each sum
          BroadcastPlan same = flat(b.size(), 3);
          forward(BinaryOp.DIV, same, db, b, db);
          forward(BinaryOp.DIV, same, db, b, db);
        }
      }
    }
  }

  /** db = -dy a / b^2 where b has the output's shape (a may be broadcast). */
  private static void divisorGradient(Tensor a, Tensor b, Tensor dy, Tensor db) {
    int[] shape = dy.shape();
    if (a.sameShape(dy)) {
      MemorySegment gs = dy.storage();
      MemorySegment as = a.storage();
      MemorySegment bs = b.storage();
      MemorySegment os = db.storage();
      long go = dy.byteOffset();
      long ao = a.byteOffset();
      long bo = b.byteOffset();
      long oo = db.byteOffset();
      contiguous(dy.size(), PointwiseThreads.shareable(a, b, dy, db),
          (offsets, from, to) -> ElementwiseRows.divisorGradient(gs, go + 4L * from, as,
              ao + 4L * from, bs, bo + 4L * from, os, oo + 4L * from, to - from));
      return;
    }
    BroadcastPlan same = flat(dy.size(), 3);
    forward(BinaryOp.DIV, same, dy, b, db);
    forward(BinaryOp.MUL, plan(shape, a), db, a, db);
    forward(BinaryOp.DIV, same, db, b, db);
    scale(db, -1f, db);
  }

  /** out = x op y over a plan whose operands are out, x and y. */
  private static void forward(BinaryOp op, BroadcastPlan plan, Tensor x, Tensor y, Tensor out) {
    MemorySegment xs = x.storage();
    MemorySegment os = out.storage();
    long xo = x.byteOffset();
    long oo = out.byteOffset();
    int xStride = plan.innerStride(A);
    MemorySegment ys = y.storage();
    long yo = y.byteOffset();
    int yStride = plan.innerStride(B);
    RowExecutor.run(plan, PointwiseThreads.shareable(x, y, out), (offsets, from, to) ->
        ElementwiseRows.row(op, xs, xo + 4L * (offsets[A] + (long) from * xStride), xStride, ys,
            yo + 4L * (offsets[B] + (long) from * yStride), yStride, os,
            oo + 4L * (offsets[0] + from), to - from));
  }

  /** The plan of out = dy op other over {@code shape}, out and dy of that shape. */
  private static BroadcastPlan plan(int[] shape, Tensor other) {
    long[] full = Broadcasting.strides(shape, shape);
    return BroadcastPlan.of(shape, full, full, Broadcasting.strides(other.shape(), shape));
  }

  /**
   * Runs {@code body} over [0, size) of contiguous operands: directly when small, so that small
   * tensors pay no planning, otherwise split over threads.
   */
  private static void contiguous(int size, boolean threads, RowExecutor.RowBody body) {
    if (size <= RowExecutor.GRAIN || !threads) {
      body.row(NO_OFFSETS, 0, size);
    } else {
      RowExecutor.run(flat(size, 1), true, body);
    }
  }

  /** {@code operands} contiguous operands of {@code size} elements, as one row. */
  private static BroadcastPlan flat(int size, int operands) {
    long[][] strides = new long[operands][];
    Arrays.fill(strides, new long[] {1});
    return BroadcastPlan.of(new int[] {size}, strides);
  }
}
