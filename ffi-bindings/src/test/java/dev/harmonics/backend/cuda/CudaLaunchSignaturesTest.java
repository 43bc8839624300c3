package dev.harmonics.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvTranspose2dParams;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every public kernel of the CUDA backend, called once on a {@link SimulatedDevice}: each launch's
 * arguments must match its entry's parameters in the built PTX (a wrong count, order or width
 * would corrupt memory on a GPU), and together the calls must launch every entry of every module.
 * Results are not checked here (the kernels do not run); the device conformance suites check them
 * on a GPU.
 */
class CudaLaunchSignaturesTest {

  private final List<Tensor> tensors = new ArrayList<>();

  private Tensor f(int... shape) {
    Tensor t = Tensor.zeros(shape);
    tensors.add(t);
    return t;
  }

  private Tensor typed(DType dtype, int... shape) {
    Tensor t = Tensor.allocate(dtype, shape);
    tensors.add(t);
    return t;
  }

  @AfterEach
  void close() {
    tensors.forEach(Tensor::close);
  }

  @Test
  void everyKernelLaunchMatchesItsPtxSignatureAndEveryEntryIsUsed() throws IOException {
    SimulatedDevice device = new SimulatedDevice(true);
    KernelProvider k = new CudaProvider(device);

    k.activations().forward(Activation.GELU_TANH, 0f, f(3, 4), f(3, 4));
    k.activations().backward(Activation.ELU, 1f, f(3, 4), f(3, 4), f(3, 4), f(3, 4));
    k.activations().preluForward(f(2, 3, 4), f(3), f(2, 3, 4));
    k.activations().preluBackward(f(2, 3, 4), f(3), f(2, 3, 4), f(2, 3, 4), f(3));

    Conv2dParams conv = Conv2dParams.of(1, 1);
    k.conv().conv2dForward(f(1, 2, 5, 5), f(4, 2, 3, 3), f(4), conv, f(1, 4, 5, 5));
    k.conv().conv2dBackwardInput(f(1, 4, 5, 5), f(4, 2, 3, 3), conv, f(1, 2, 5, 5));
    k.conv().conv2dBackwardWeight(f(1, 2, 5, 5), f(1, 4, 5, 5), conv, f(4, 2, 3, 3), f(4));
    ConvTranspose2dParams transposed = ConvTranspose2dParams.of(Conv2dParams.of(1, 0));
    k.conv().convTranspose2dForward(f(1, 2, 4, 4), f(2, 3, 3, 3), f(3), transposed,
        f(1, 3, 6, 6));
    k.conv().convTranspose2dBackwardInput(f(1, 3, 6, 6), f(2, 3, 3, 3), transposed,
        f(1, 2, 4, 4));
    k.conv().convTranspose2dBackwardWeight(f(1, 2, 4, 4), f(1, 3, 6, 6), transposed,
        f(2, 3, 3, 3), null);

    k.dropout().forward(f(10), 0.3f, 7, 0, f(10), typed(DType.INT8, 10));
    k.dropout().backward(f(10), typed(DType.INT8, 10), 0.3f, f(10));

    k.elementwise().forward(BinaryOp.MUL, f(2, 3), f(3), f(2, 3));
    k.elementwise().backward(BinaryOp.DIV, f(2, 3), f(3), f(2, 3), f(2, 3), f(3));
    k.elementwise().scalar(BinaryOp.ADD, f(5), 2f, f(5));
    k.elementwise().axpy(0.5f, f(5), f(5));

    k.embedding().lookup(f(6, 4), typed(DType.INT32, 3), f(3, 4));
    k.embedding().backward(typed(DType.INT32, 3), f(3, 4), f(6, 4));

    k.gemm().gemm(false, true, 1f, f(2, 3), f(4, 3), 0f, f(2, 4), f(4), Activation.RELU, 0f);
    k.gemm().batchedMatmul(false, false, f(2, 2, 3), f(2, 3, 4), f(2, 2, 4));

    k.layout().copy(f(3, 4).transpose(0, 1), f(4, 3));
    k.layout().copy(typed(DType.INT8, 3, 4).transpose(0, 1), typed(DType.INT8, 4, 3));
    k.layout().pad(f(3, 4), new int[] {1, 0}, new int[] {0, 2}, PadMode.REFLECT, 0f, f(4, 6));
    k.layout().pad(typed(DType.INT8, 3, 4), new int[] {1, 0}, new int[] {0, 2},
        PadMode.CONSTANT, 5f, typed(DType.INT8, 4, 6));
    k.layout().padBackward(f(4, 6), new int[] {1, 0}, new int[] {0, 2}, PadMode.EDGE, f(3, 4));
    k.layout().concat(List.of(f(2, 3), f(2, 1)), 1, f(2, 4));
    k.layout().split(typed(DType.INT8, 2, 4), 1,
        List.of(typed(DType.INT8, 2, 3), typed(DType.INT8, 2, 1)));

    k.losses().softmaxCrossEntropy(f(3, 5), typed(DType.INT32, 3), f(3, 5));
    k.losses().softmaxCrossEntropyWithProbabilities(f(3, 5), f(3, 5), f(3, 5));
    k.losses().mse(f(7), f(7));
    k.losses().mseBackward(f(7), f(7), f(7));

    Tensor ones = f(3).fill(1f);
    k.norm().batchNormTrainingForward(f(2, 3, 4), f(3), f(3), f(3), ones, 0.1f, 1e-5f,
        f(2, 3, 4), f(3), f(3));
    k.norm().batchNormInference(f(2, 3, 4), f(3), f(3), f(3), ones, 1e-5f, f(2, 3, 4));
    k.norm().batchNormBackward(f(2, 3, 4), f(2, 3, 4), f(3), f(3), ones, f(2, 3, 4), f(3), f(3));
    k.norm().layerNormForward(f(2, 3), f(3), f(3), 1e-5f, f(2, 3), f(2), f(2));
    k.norm().layerNormBackward(f(2, 3), f(2, 3), f(3), f(2), f(2).fill(1f), f(2, 3), f(3), f(3));
    k.norm().rmsNormForward(f(2, 3), f(3), 1e-5f, f(2, 3), f(2));
    k.norm().rmsNormBackward(f(2, 3), f(2, 3), f(3), f(2).fill(1f), f(2, 3), f(3));

    k.optimizers().sgd(SgdConfig.ofMomentum(0.1, 0.9), 2, f(5), f(5), f(5));
    k.optimizers().adam(new AdamConfig(1e-3, 0.9, 0.999, 1e-8, 0.01, true, true), 1, f(5), f(5),
        f(5), f(5), f(5));
    k.optimizers().rmsprop(new RmsPropConfig(1e-3, 0.9, 1e-8, 0.9, true, 0.0), f(5), f(5), f(5),
        f(5), f(5));
    k.optimizers().lamb(LambConfig.of(1e-3), 1, f(5), f(5), f(5), f(5));
    k.optimizers().l2Norm(f(5), f(3));
    k.optimizers().scaleInPlace(f(5), 0.5f);

    Pool2dParams pool = Pool2dParams.of(2, 2);
    k.pool().maxPool2dForward(f(1, 2, 4, 4), pool, f(1, 2, 2, 2), typed(DType.INT32, 1, 2, 2, 2));
    k.pool().maxPool2dBackward(f(1, 2, 2, 2), typed(DType.INT32, 1, 2, 2, 2), f(1, 2, 4, 4));
    k.pool().avgPool2dForward(f(1, 2, 4, 4), pool, f(1, 2, 2, 2));
    k.pool().avgPool2dBackward(f(1, 2, 2, 2), pool, f(1, 2, 4, 4));
    k.pool().globalAvgPoolForward(f(1, 2, 4, 4), f(1, 2));
    k.pool().globalAvgPoolBackward(f(1, 2), f(1, 2, 4, 4));

    k.quant().quantize(f(6), 0.1f, 3, typed(DType.INT8, 6));
    k.quant().dequantize(typed(DType.INT8, 6), 0.1f, 3, f(6));
    k.quant().gemmInt8(typed(DType.INT8, 2, 3), typed(DType.INT8, 3, 4),
        typed(DType.INT32, 2, 4));

    k.reductions().sum(f(2, 3, 4), f(2, 4), 1);
    k.reductions().max(f(2, 3, 4), f(4), 0, 1);
    k.reductions().meanBackward(f(2, 4), f(2, 3, 4), 1);
    k.reductions().maxBackward(f(2, 3, 4), f(2, 4), f(2, 4), f(2, 3, 4), 1);

    k.softmax().softmax(f(2, 5), -1, f(2, 5));
    k.softmax().logSoftmaxBackward(f(2, 5, 3), f(2, 5, 3), 1, f(2, 5, 3));

    assertEquals(0, device.depth(), "every call left the device");
    Set<String> expected = new TreeSet<>();
    for (KernelModule module : KernelModule.values()) {
      module.entries().forEach(entry -> expected.add(module.fileStem() + "/" + entry));
    }
    assertEquals(expected, new TreeSet<>(device.launches()), "entries launched");
  }
}
