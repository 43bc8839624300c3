package dev.harmonics.runtime.layer;

import dev.harmonics.tensor.Tensor;
import java.util.Objects;

/**
 * A trainable tensor and its gradient, owned by one layer. The gradient has the value's shape and
 * receives the gradient of the loss after each backward pass (or the sum over accumulated
 * micro-batches).
 *
 * <p>{@link #version()} counts changes made to the value by an optimizer or a checkpoint load, so a
 * layer that keeps a derived copy (quantised weights) knows when to refresh it.
 */
public final class Parameter implements AutoCloseable {

  private final String name;
  private final Tensor value;
  private final Tensor grad;
  private final boolean decays;
  private long version;

  /**
   * A zero-valued parameter of {@code shape}.
   *
   * @param name unique within the model, e.g. {@code hidden1.weight}
   * @param decays whether weight decay applies (weights do; biases and norm scales do not)
   */
  public Parameter(String name, boolean decays, int... shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.decays = decays;
    this.value = Tensor.zeros(shape);
    this.grad = Tensor.zeros(shape);
  }

  /** The name, {@code layer.role}. */
  public String name() {
    return name;
  }

  /** The current value; updated in place by optimizers. */
  public Tensor value() {
    return value;
  }

  /** The gradient of the loss with respect to {@link #value()}. */
  public Tensor grad() {
    return grad;
  }

  /** Whether weight decay applies to this parameter. */
  public boolean decays() {
    return decays;
  }

  /** Number of elements. */
  public int size() {
    return value.size();
  }

  /** Increases with every change of the value made through {@link #markChanged()}. */
  public long version() {
    return version;
  }

  /** Records that the value changed (after an optimizer step or a load). */
  public void markChanged() {
    version++;
  }

  @Override
  public void close() {
    value.close();
    grad.close();
  }

  @Override
  public String toString() {
    return name + " " + value.describe();
  }
}
