package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-head self-attention over {@code [seq, dim]} samples, built from the GEMM and softmax
 * kernels. Four dense projections (query, key, value, output; each {@code [dim, dim]}) are
 * {@link DenseLayer}s, so they share its backward pass and reduced-precision evaluation. Per head
 * of {@code dim / heads} features: {@code P = softmax(Q·Kᵀ / sqrt(headDim))} over the keys and
 * {@code O = P·V}, as batched matrix products over {@code [batch * heads, seq, headDim]} tensors
 * (heads are split and merged with the layout kernel's permuting copy).
 */
public final class AttentionLayer extends AbstractLayer implements PrecisionAware {

  private final int heads;
  private final int seq;
  private final int dim;
  private final int headDim;
  private final float scale;
  private final DenseLayer query;
  private final DenseLayer key;
  private final DenseLayer value;
  private final DenseLayer out;
  private final BatchBuffer qHeads;
  private final BatchBuffer kHeads;
  private final BatchBuffer vHeads;
  private final BatchBuffer probabilities;
  private final BatchBuffer headOutput;
  private final BatchBuffer merged;
  private final BatchBuffer dHeadOutput;
  private final BatchBuffer dProbabilities;
  private final BatchBuffer dScores;
  private final BatchBuffer dqHeads;
  private final BatchBuffer dkHeads;
  private final BatchBuffer dvHeads;
  private final BatchBuffer dq;
  private final BatchBuffer dk;
  private final BatchBuffer dv;
  private final BatchBuffer inputGrad;
  private int lastBatch = -1;

  /**
   * Attention over {@code inputShape = [seq, dim]}.
   *
   * @param heads number of heads; {@code dim} must divide by it
   * @param withBias whether the four projections have biases
   */
  public AttentionLayer(String name, KernelProvider kernels, int[] inputShape, int heads,
      boolean withBias) {
    super(name, kernels, inputShape, inputShape);
    if (inputShape.length != 2 || inputShape[1] % heads != 0) {
      throw new IllegalArgumentException("layer '" + name + "': input [" + join(inputShape)
          + "] with " + heads + " heads (expected: [seq, dim] with dim a multiple of heads)");
    }
    this.heads = heads;
    this.seq = inputShape[0];
    this.dim = inputShape[1];
    this.headDim = dim / heads;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    this.query = new DenseLayer(name + ".query", kernels, inputShape, dim, withBias,
        WeightInit.XAVIER);
    this.key = new DenseLayer(name + ".key", kernels, inputShape, dim, withBias,
        WeightInit.XAVIER);
    this.value = new DenseLayer(name + ".value", kernels, inputShape, dim, withBias,
        WeightInit.XAVIER);
    this.out = new DenseLayer(name + ".output", kernels, inputShape, dim, withBias,
        WeightInit.XAVIER);
    this.qHeads = buffer(heads, seq, headDim);
    this.kHeads = buffer(heads, seq, headDim);
    this.vHeads = buffer(heads, seq, headDim);
    this.probabilities = buffer(heads, seq, seq);
    this.headOutput = buffer(heads, seq, headDim);
    this.merged = buffer(inputShape);
    this.dProbabilities = buffer(heads, seq, seq);
    this.dScores = buffer(heads, seq, seq);
    this.dHeadOutput = buffer(heads, seq, headDim);
    this.dqHeads = buffer(heads, seq, headDim);
    this.dkHeads = buffer(heads, seq, headDim);
    this.dvHeads = buffer(heads, seq, headDim);
    this.dq = buffer(inputShape);
    this.dk = buffer(inputShape);
    this.dv = buffer(inputShape);
    this.inputGrad = buffer(inputShape);
  }

  private List<DenseLayer> projections() {
    return List.of(query, key, value, out);
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    projections().forEach(p -> all.addAll(p.parameters()));
    return all;
  }

  @Override
  public void initialise(SeededRandom random) {
    projections().forEach(p -> p.initialise(random));
  }

  /** {@code [n, seq, heads * headDim]} into {@code [n * heads, seq, headDim]}. */
  private void split(Tensor x, Tensor dst) {
    int n = x.dim(0);
    kernels.layout().copy(x.reshape(n, seq, heads, headDim).permute(0, 2, 1, 3),
        dst.reshape(n, heads, seq, headDim));
  }

  /** {@code [n * heads, seq, headDim]} back into {@code [n, seq, dim]}. */
  private void merge(Tensor src, Tensor dst) {
    int n = dst.dim(0);
    kernels.layout().copy(src.reshape(n, heads, seq, headDim).permute(0, 2, 1, 3),
        dst.reshape(n, seq, heads, headDim));
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor q = flatHeads(qHeads, n);
    Tensor k = flatHeads(kHeads, n);
    Tensor v = flatHeads(vHeads, n);
    split(query.forward(x, pass), q);
    split(key.forward(x, pass), k);
    split(value.forward(x, pass), v);
    Tensor p = flatSquare(probabilities, n);
    kernels.gemm().batchedMatmul(false, true, q, k, p);
    kernels.elementwise().scalar(BinaryOp.MUL, p, scale, p);
    kernels.softmax().softmax(p, -1, p);
    Tensor o = flatHeads(headOutput, n);
    kernels.gemm().batchedMatmul(false, false, p, v, o);
    Tensor m = merged.get(n);
    merge(o, m);
    lastBatch = pass.training() ? n : -1;
    return out.forward(m, pass);
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    if (lastBatch < 0) {
      throw new IllegalStateException("layer '" + name
          + "': backward without a training forward pass before it");
    }
    int n = lastBatch;
    Tensor dMerged = out.backward(dy, accumulate, true);
    Tensor dO = flatHeads(dHeadOutput, n);
    split(dMerged, dO);
    Tensor p = flatSquare(probabilities, n);
    Tensor dp = flatSquare(dProbabilities, n);
    kernels.gemm().batchedMatmul(false, true, dO, flatHeads(vHeads, n), dp);
    Tensor dvh = flatHeads(dvHeads, n);
    kernels.gemm().batchedMatmul(true, false, p, dO, dvh);
    Tensor ds = flatSquare(dScores, n);
    kernels.softmax().softmaxBackward(p, dp, -1, ds);
    kernels.elementwise().scalar(BinaryOp.MUL, ds, scale, ds);
    Tensor dqh = flatHeads(dqHeads, n);
    kernels.gemm().batchedMatmul(false, false, ds, flatHeads(kHeads, n), dqh);
    Tensor dkh = flatHeads(dkHeads, n);
    kernels.gemm().batchedMatmul(true, false, ds, flatHeads(qHeads, n), dkh);
    Tensor dQ = dq.get(n);
    Tensor dK = dk.get(n);
    Tensor dV = dv.get(n);
    merge(dqh, dQ);
    merge(dkh, dK);
    merge(dvh, dV);
    Tensor dxq = query.backward(dQ, accumulate, inputGradient);
    Tensor dxk = key.backward(dK, accumulate, inputGradient);
    Tensor dxv = value.backward(dV, accumulate, inputGradient);
    if (!inputGradient) {
      return null;
    }
    Tensor dx = inputGrad.get(n);
    dxq.copyTo(dx);
    kernels.elementwise().accumulate(dxk, dx);
    kernels.elementwise().accumulate(dxv, dx);
    return dx;
  }

  private Tensor flatHeads(BatchBuffer buffer, int n) {
    return buffer.get(n).reshape(n * heads, seq, headDim);
  }

  private Tensor flatSquare(BatchBuffer buffer, int n) {
    return buffer.get(n).reshape(n * heads, seq, seq);
  }

  @Override
  public void setPrecisionBits(int bits) {
    projections().forEach(p -> p.setPrecisionBits(bits));
  }

  @Override
  public int precisionBits() {
    return query.precisionBits();
  }

  @Override
  public void close() {
    projections().forEach(DenseLayer::close);
    super.close();
  }
}
