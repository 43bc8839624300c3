package dev.harmonics.bench.conv;

import dev.harmonics.bench.BenchData;
import dev.harmonics.bench.Work;
import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.ffi.openblas.OpenBlas;
import dev.harmonics.kernel.ConvKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;

/**
 * What every convolution benchmark sets up for a trial: one backend's kernels, one layer and its
 * seeded tensors of a forward and a backward pass. Each pass adds the layer's flops to the count.
 * The backend {@value #IM2COL_OPENBLAS} is the baseline {@link Im2colOpenBlas} (forward only),
 * with OpenBLAS on as many threads as the kernel pool.
 */
final class ConvRun implements AutoCloseable {

  /** The backend id of the im2col + OpenBLAS baseline. */
  static final String IM2COL_OPENBLAS = "im2col+openblas";

  private static final long SEED = 42;

  private final ConvKernels conv;
  private final Im2colOpenBlas baseline;
  private final ConvLayer layer;
  private final int batch;
  private final Tensor x;
  private final Tensor w;
  private final Tensor bias;
  private final Tensor y;
  private final Tensor dy;
  private final Tensor dx;
  private final Tensor dw;
  private final Tensor dbias;

  /** {@code backend} is a {@link Backend} id, {@code layerName} a {@link ConvLayer} name. */
  ConvRun(String backend, String layerName, int batch) {
    layer = ConvLayer.valueOf(layerName);
    if (backend.equals(IM2COL_OPENBLAS)) {
      OpenBlas blas = OpenBlas.load();
      blas.setThreads(KernelPool.shared().parallelism());
      conv = null;
      baseline = new Im2colOpenBlas(blas, layer);
    } else {
      conv = KernelProviders.of(Backend.fromId(backend)).conv();
      baseline = null;
    }
    this.batch = batch;
    BenchData random = new BenchData(SEED);
    x = random.uniform(layer.inputShape(batch));
    w = random.uniform(layer.weightShape());
    bias = random.uniform(layer.outChannels);
    y = Tensor.zeros(layer.outputShape(batch));
    dy = random.uniform(layer.outputShape(batch));
    dx = Tensor.zeros(layer.inputShape(batch));
    dw = Tensor.zeros(layer.weightShape());
    dbias = Tensor.zeros(layer.outChannels);
  }

  Tensor forward(Work work) {
    if (baseline != null) {
      baseline.forward(x, w, bias, y);
    } else {
      conv.conv2dForward(x, w, bias, layer.params, y);
    }
    work.flops += layer.flops(batch);
    return y;
  }

  /** Counted as the forward pass's flops: the same multiply-adds in another order. */
  Tensor backwardInput(Work work) {
    conv.conv2dBackwardInput(dy, w, layer.params, dx);
    work.flops += layer.flops(batch);
    return dx;
  }

  /** Counted as the forward pass's flops: the same multiply-adds in another order. */
  Tensor backwardWeight(Work work) {
    conv.conv2dBackwardWeight(x, dy, layer.params, dw, dbias);
    work.flops += layer.flops(batch);
    return dw;
  }

  @Override
  public void close() {
    if (baseline != null) {
      baseline.close();
    }
    for (Tensor t : new Tensor[] {x, w, bias, y, dy, dx, dw, dbias}) {
      t.close();
    }
  }
}
