package dev.harmonics.bench.overhead;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The calls of {@link SmallCallBenchmark} and {@link SmallCallCpuTime}: one kernel call each on a
 * 64-element input (a [1, 64] row for the row kernels, [4, 16] logits for the loss, [8, 8] for
 * batch norm), with caller-allocated outputs made once. Each method returns what it wrote.
 */
final class SmallCalls implements AutoCloseable {

  static final int SIZE = 64;
  /**
   * The reduced axis, made once: {@code sum(x, out, 0)} would build a varargs array per call,
   * which is the caller's allocation, not the kernel's.
   */
  private static final int[] AXIS_0 = {0};

  private final KernelProvider k;
  private final AdamConfig adam = AdamConfig.adam(1e-3);
  private final SgdConfig sgd = SgdConfig.ofMomentum(1e-3, 0.9);
  private long step;
  private final Tensor x;
  private final Tensor y;
  private final Tensor out;
  private final Tensor row;
  private final Tensor rowOut;
  private final Tensor gamma;
  private final Tensor beta;
  private final Tensor m;
  private final Tensor v;
  private final Tensor momentum;
  private final Tensor sum;
  private final Tensor logits;
  private final Tensor labels;
  private final Tensor dlogits;
  private final Tensor batch;
  private final Tensor batchOut;
  private final Tensor channelGamma;
  private final Tensor channelBeta;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final Tensor[] all;

  SmallCalls(KernelProvider k) {
    this.k = k;
    float[] values = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      values[i] = (i % 7 - 3) * 0.25f;
    }
    x = Tensor.of(values, SIZE);
    y = Tensor.of(values, SIZE);
    out = Tensor.zeros(SIZE);
    row = Tensor.of(values, 1, SIZE);
    rowOut = Tensor.zeros(1, SIZE);
    gamma = Tensor.zeros(SIZE).fill(1f);
    beta = Tensor.zeros(SIZE);
    m = Tensor.zeros(SIZE);
    v = Tensor.zeros(SIZE);
    momentum = Tensor.zeros(SIZE);
    sum = Tensor.zeros(1);
    logits = Tensor.of(values, 4, 16);
    labels = Tensor.ofInts(new int[] {3, 0, 15, 7}, 4);
    dlogits = Tensor.zeros(4, 16);
    batch = Tensor.of(values, 8, 8);
    batchOut = Tensor.zeros(8, 8);
    channelGamma = Tensor.zeros(8).fill(1f);
    channelBeta = Tensor.zeros(8);
    runningMean = Tensor.zeros(8);
    runningVar = Tensor.zeros(8).fill(1f);
    all = new Tensor[] {x, y, out, row, rowOut, gamma, beta, m, v, momentum, sum, logits, labels, dlogits,
        batch, batchOut, channelGamma, channelBeta, runningMean, runningVar};
  }

  /** Every call by name, in the order the reports list them. */
  Map<String, Supplier<Object>> byName() {
    Map<String, Supplier<Object>> calls = new LinkedHashMap<>();
    calls.put("relu", this::relu);
    calls.put("sigmoid", this::sigmoid);
    calls.put("tanh", this::tanh);
    calls.put("gelu", this::gelu);
    calls.put("add", this::add);
    calls.put("mul", this::mul);
    calls.put("scale", this::scale);
    calls.put("sum", this::sum);
    calls.put("softmax", this::softmax);
    calls.put("crossEntropy", this::crossEntropy);
    calls.put("layerNorm", this::layerNorm);
    calls.put("rmsNorm", this::rmsNorm);
    calls.put("batchNorm", this::batchNorm);
    calls.put("sgd", this::sgd);
    calls.put("adam", this::adam);
    return calls;
  }

  Tensor relu() {
    k.activations().forward(Activation.RELU, 0f, x, out);
    return out;
  }

  Tensor sigmoid() {
    k.activations().forward(Activation.SIGMOID, 0f, x, out);
    return out;
  }

  Tensor tanh() {
    k.activations().forward(Activation.TANH, 0f, x, out);
    return out;
  }

  /** The erf form, PyTorch's default GELU. */
  Tensor gelu() {
    k.activations().forward(Activation.GELU_ERF, 0f, x, out);
    return out;
  }

  Tensor add() {
    k.elementwise().add(x, y, out);
    return out;
  }

  Tensor mul() {
    k.elementwise().mul(x, y, out);
    return out;
  }

  Tensor scale() {
    k.elementwise().scalar(BinaryOp.MUL, x, 0.5f, out);
    return out;
  }

  Tensor sum() {
    k.reductions().sum(x, sum, AXIS_0);
    return sum;
  }

  Tensor softmax() {
    k.softmax().softmax(row, 1, rowOut);
    return rowOut;
  }

  /** Mean loss and its gradient over 4 rows of 16 classes. */
  Tensor crossEntropy() {
    k.losses().softmaxCrossEntropy(logits, labels, dlogits);
    return dlogits;
  }

  Tensor layerNorm() {
    k.norm().layerNormForward(row, gamma, beta, 1e-5f, rowOut, null, null);
    return rowOut;
  }

  Tensor rmsNorm() {
    k.norm().rmsNormForward(row, gamma, 1e-5f, rowOut, null);
    return rowOut;
  }

  /** Training forward over 8 samples of 8 channels, updating the running statistics. */
  Tensor batchNorm() {
    k.norm().batchNormTrainingForward(batch, channelGamma, channelBeta, runningMean, runningVar,
        0.1f, 1e-5f, batchOut, null, null);
    return batchOut;
  }

  /** SGD with momentum; the parameter is {@code out}, so the input {@code x} stays as it is. */
  Tensor sgd() {
    k.optimizers().sgd(sgd, ++step, out, x, momentum);
    return out;
  }

  Tensor adam() {
    k.optimizers().adam(adam, ++step, out, x, m, v);
    return out;
  }

  @Override
  public void close() {
    for (Tensor t : all) {
      t.close();
    }
  }
}
