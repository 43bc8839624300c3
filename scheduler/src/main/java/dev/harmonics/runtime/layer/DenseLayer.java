package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;
import java.util.Arrays;

/**
 * A fully connected layer over the last dimension: {@code y = x·W + b} with {@code W [in, units]},
 * so {@code [n, ..., in] -> [n, ..., units]}. Forward is one GEMM with the bias fused; backward is
 * two GEMMs ({@code dW = xᵀ·dy}, {@code dx = dy·Wᵀ}) plus one for the bias gradient (a row of ones
 * times {@code dy}), each accumulating through the GEMM's {@code beta} when asked to.
 *
 * <p>At 8 bits or fewer, evaluation passes run in integer arithmetic through the kernels' int8
 * GEMM ({@link Int8Matmul}); between 9 and 31 bits they use weights snapped to that grid.
 */
public final class DenseLayer extends AbstractLayer implements PrecisionAware {

  private final int in;
  private final int units;
  private final WeightInit init;
  private final Parameter weight;
  private final Parameter bias;
  private final BatchBuffer output;
  private final BatchBuffer inputGrad;
  private final BatchBuffer ones;
  private int onesFilled;
  private Tensor lastInput;
  private int bits = FULL;
  private QuantizedWeights quantized;
  private Int8Matmul int8;

  /**
   * A dense layer reading {@code inputShape}'s last dimension.
   *
   * @param units output features
   * @param withBias whether a bias is added
   * @param init how the weights start
   */
  public DenseLayer(String name, KernelProvider kernels, int[] inputShape, int units,
      boolean withBias, WeightInit init) {
    super(name, kernels, inputShape, withLast(inputShape, units));
    this.in = inputShape[inputShape.length - 1];
    this.units = units;
    this.init = init;
    this.weight = parameter("weight", true, in, units);
    this.bias = withBias ? parameter("bias", false, units) : null;
    this.output = buffer(outputShape);
    this.inputGrad = buffer(inputShape);
    this.ones = buffer(1);
  }

  private static int[] withLast(int[] shape, int last) {
    int[] out = shape.clone();
    out[out.length - 1] = last;
    return out;
  }

  /** The weight {@code [in, units]}. */
  public Parameter weight() {
    return weight;
  }

  /** The bias {@code [units]}, or null. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public void initialise(SeededRandom random) {
    init.fill(weight.value(), in, units, random);
    weight.markChanged();
    if (bias != null) {
      bias.value().fill(0f);
      bias.markChanged();
    }
  }

  @Override
  public Tensor forward(Tensor x, Pass pass) {
    int n = batchOf(x);
    Tensor y = output.get(n);
    Tensor x2 = x.reshape(-1, in);
    Tensor y2 = y.reshape(-1, units);
    if (!pass.training() && bits <= 8) {
      int8.multiply(x2, quantized, weight.version(), bias == null ? null : bias.value(), y2);
    } else {
      Tensor w = !pass.training() && bits < FULL ? quantized.values() : weight.value();
      kernels.gemm().gemm(false, false, 1f, x2, w, 0f, y2,
          bias == null ? null : bias.value(), Activation.IDENTITY, 0f);
    }
    lastInput = pass.training() ? x : null;
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean accumulate, boolean inputGradient) {
    requireTrainingInput(lastInput, name);
    Tensor x2 = lastInput.reshape(-1, in);
    Tensor dy2 = dy.reshape(-1, units);
    float beta = accumulate ? 1f : 0f;
    kernels.gemm().gemm(true, false, 1f, x2, dy2, beta, weight.grad());
    if (bias != null) {
      int rows = dy2.dim(0);
      Tensor row = ones.get(rows);
      if (rows > onesFilled) {
        row.fill(1f);
        onesFilled = rows;
      }
      kernels.gemm().gemm(false, false, 1f, row.reshape(1, rows), dy2, beta,
          bias.grad().reshape(1, units));
    }
    if (!inputGradient) {
      return null;
    }
    Tensor dx = inputGrad.get(lastInput.dim(0));
    kernels.gemm().gemm(false, true, 1f, dy2, weight.value(), 0f, dx.reshape(-1, in));
    return dx;
  }

  /** How many evaluation batches ran through the int8 GEMM kernel. */
  public long int8Calls() {
    return int8 == null ? 0 : int8.calls();
  }

  @Override
  public void setPrecisionBits(int newBits) {
    PrecisionAware.checkBits(name, newBits);
    if (newBits == bits) {
      return;
    }
    closeQuantized();
    bits = newBits;
    if (bits < FULL) {
      quantized = new QuantizedWeights(weight, kernels, bits);
    }
    if (bits <= 8) {
      int8 = new Int8Matmul(kernels, bits, in, units);
    }
  }

  @Override
  public int precisionBits() {
    return bits;
  }

  private void closeQuantized() {
    if (quantized != null) {
      quantized.close();
      quantized = null;
    }
    if (int8 != null) {
      int8.close();
      int8 = null;
    }
  }

  @Override
  public void close() {
    closeQuantized();
    super.close();
  }

  @Override
  public String toString() {
    return "dense " + name + " " + Arrays.toString(inputShape) + " -> " + units;
  }
}
