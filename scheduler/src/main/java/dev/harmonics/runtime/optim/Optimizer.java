package dev.harmonics.runtime.optim;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.runtime.layer.Parameter;
import dev.harmonics.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Updates a model's parameters from their gradients with one rule, keeping that rule's state (the
 * moments or momentum buffers) per parameter. The state is allocated up front, zero, so a
 * checkpoint can save and restore it before the first step.
 */
public final class Optimizer implements AutoCloseable {

  private final OptimizerConfig config;
  private final double weightDecay;
  private final KernelProvider kernels;
  private final List<Parameter> parameters;
  private final List<Tensor[]> state = new ArrayList<>();
  private long steps;

  /**
   * @param weightDecay applied to the parameters whose {@link Parameter#decays()} is true
   */
  public Optimizer(OptimizerConfig config, double weightDecay, List<Parameter> parameters,
      KernelProvider kernels) {
    this.config = Objects.requireNonNull(config, "config");
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weightDecay: " + weightDecay + " (expected: >= 0)");
    }
    this.weightDecay = weightDecay;
    this.kernels = kernels;
    this.parameters = List.copyOf(parameters);
    for (Parameter p : this.parameters) {
      state.add(allocateState(p.value().shape()));
    }
  }

  private Tensor[] allocateState(int[] shape) {
    int count = switch (config) {
      case OptimizerConfig.Sgd s -> s.momentum() > 0 ? 1 : 0;
      case OptimizerConfig.Adam a -> 2;
      case OptimizerConfig.AdamW a -> 2;
      case OptimizerConfig.RmsProp r -> 1 + (r.momentum() > 0 ? 1 : 0) + (r.centered() ? 1 : 0);
      case OptimizerConfig.Lamb l -> 2;
    };
    Tensor[] tensors = new Tensor[count];
    for (int i = 0; i < count; i++) {
      tensors[i] = Tensor.zeros(shape);
    }
    return tensors;
  }

  /** The rule. */
  public OptimizerConfig config() {
    return config;
  }

  /** Updates taken so far. */
  public long steps() {
    return steps;
  }

  /** Sets the update count (a checkpoint restores it; bias corrections depend on it). */
  public void setSteps(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
    }
    steps = count;
  }

  /**
   * The state tensors of parameter {@code index} (in the order given to the constructor), in the
   * rule's fixed order: for example Adam's first and second moments.
   */
  public List<Tensor> stateOf(int index) {
    return List.of(state.get(index));
  }

  /** One update of every parameter with learning rate {@code lr}. */
  public void step(double lr) {
    steps++;
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      update(p, state.get(i), lr, p.decays() ? weightDecay : 0);
      p.markChanged();
    }
  }

  private void update(Parameter p, Tensor[] s, double lr, double decay) {
    Tensor value = p.value();
    Tensor grad = p.grad();
    switch (config) {
      case OptimizerConfig.Sgd c -> kernels.optimizers().sgd(
          new SgdConfig(lr, c.momentum(), 0, decay, c.nesterov()), steps, value, grad,
          s.length > 0 ? s[0] : null);
      case OptimizerConfig.Adam c -> kernels.optimizers().adam(
          new AdamConfig(lr, c.beta1(), c.beta2(), c.eps(), decay, false, false), steps, value,
          grad, s[0], s[1]);
      case OptimizerConfig.AdamW c -> kernels.optimizers().adam(
          new AdamConfig(lr, c.beta1(), c.beta2(), c.eps(), decay, true, false), steps, value,
          grad, s[0], s[1]);
      case OptimizerConfig.RmsProp c -> {
        Tensor momentum = c.momentum() > 0 ? s[1] : null;
        Tensor average = c.centered() ? s[s.length - 1] : null;
        kernels.optimizers().rmsprop(
            new RmsPropConfig(lr, c.alpha(), c.eps(), c.momentum(), c.centered(), decay), value,
            grad, s[0], momentum, average);
      }
      case OptimizerConfig.Lamb c -> kernels.optimizers().lamb(
          new LambConfig(lr, c.beta1(), c.beta2(), c.eps(), decay), steps, value, grad, s[0],
          s[1]);
    }
  }

  @Override
  public void close() {
    for (Tensor[] s : state) {
      for (Tensor t : s) {
        t.close();
      }
    }
    state.clear();
  }
}
