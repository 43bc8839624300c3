package dev.harmonics.runtime.layer;

import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.tensor.Tensor;

/**
 * Where a kernel that overwrites its gradient output writes when the layer must accumulate: the
 * parameter's gradient directly, or a scratch tensor that {@link #finish} then adds in. Keeps
 * gradient accumulation for kernels without a {@code beta} in one place.
 */
final class GradientSink implements AutoCloseable {

  private final Parameter parameter;
  private Tensor scratch;

  GradientSink(Parameter parameter) {
    this.parameter = parameter;
  }

  /** The tensor the kernel should overwrite. */
  Tensor target(boolean accumulate) {
    if (!accumulate) {
      return parameter.grad();
    }
    if (scratch == null) {
      scratch = Tensor.zeros(parameter.grad().shape());
    }
    return scratch;
  }

  /** Adds the scratch into the gradient when accumulating. */
  void finish(KernelProvider kernels, boolean accumulate) {
    if (accumulate) {
      kernels.elementwise().accumulate(scratch, parameter.grad());
    }
  }

  @Override
  public void close() {
    if (scratch != null) {
      scratch.close();
      scratch = null;
    }
  }
}
