package dev.harmonics.kernel;

import dev.harmonics.tensor.Tensor;

/** Tensor checks of the optimizer kernels; each failure names the argument and the expectation. */
final class OptimizerArguments {

  private OptimizerArguments() {}

  static void requireConfig(Object config) {
    if (config == null) {
      throw new IllegalArgumentException("config: null (expected: a configuration record)");
    }
  }

  static void requireStep(long step) {
    if (step < 1) {
      throw new IllegalArgumentException(
          "step: " + step + " (expected: >= 1, the 1-based number of this update)");
    }
  }

  /** A float32 contiguous tensor with exactly {@code param}'s shape. */
  static void requireLikeParam(String name, Tensor t, Tensor param) {
    if (t == null) {
      throw new IllegalArgumentException(
          name + ": null (expected: " + param.describe() + " to match param)");
    }
    TensorChecks.requireFloat(name, t);
    if (!t.sameShape(param)) {
      throw new IllegalArgumentException(name + ": " + t.describe() + " (expected: "
          + param.describe() + " to match param)");
    }
  }

  /** A state tensor used exactly when the config's {@code setting} is non-zero. */
  static void requireState(String name, Tensor t, Tensor param, String setting, double value) {
    if (value != 0 ? t == null : t != null) {
      stateMismatch(name, t, param, setting + " is " + value);
    }
    requireStateShape(name, t, param);
  }

  /** A state tensor used exactly when the config's {@code setting} is true. */
  static void requireState(String name, Tensor t, Tensor param, String setting, boolean value) {
    if (value ? t == null : t != null) {
      stateMismatch(name, t, param, setting + " is " + value);
    }
    requireStateShape(name, t, param);
  }

  // The reason is only put into words once a check fails, so a passing update builds no strings.
  private static void stateMismatch(String name, Tensor t, Tensor param, String because) {
    if (t == null) {
      throw new IllegalArgumentException(
          name + ": null (expected: " + param.describe() + " because " + because + ")");
    }
    throw new IllegalArgumentException(
        name + ": " + t.describe() + " (expected: null because " + because + ")");
  }

  private static void requireStateShape(String name, Tensor t, Tensor param) {
    if (t != null) {
      requireLikeParam(name, t, param);
    }
  }

  /**
   * Every update writes its tensors in place while reading the others, so two of them sharing
   * memory would silently corrupt both (and give different answers per backend).
   */
  static void requireDisjoint(String[] names, Tensor t0, Tensor t1, Tensor t2) {
    requireDisjoint(names, t0, t1, t2, null, null);
  }

  static void requireDisjoint(String[] names, Tensor t0, Tensor t1, Tensor t2, Tensor t3) {
    requireDisjoint(names, t0, t1, t2, t3, null);
  }

  /**
   * Fails when two of the non-null tensors share memory, naming the first such pair in argument
   * order. The tensors are separate parameters rather than an array so that a passing check
   * allocates nothing; {@code names} is a constant of the caller, and a tensor past its length
   * is null.
   *
   * <p>The ten pairs are written out: a double loop over them, with the tensors picked by index,
   * took about 5 ns more of a 64-element Adam call (about 90 ns) than straight-line code.
   */
  static void requireDisjoint(
      String[] names, Tensor t0, Tensor t1, Tensor t2, Tensor t3, Tensor t4) {
    requireApart(names, 0, t0, 1, t1);
    requireApart(names, 0, t0, 2, t2);
    requireApart(names, 0, t0, 3, t3);
    requireApart(names, 0, t0, 4, t4);
    requireApart(names, 1, t1, 2, t2);
    requireApart(names, 1, t1, 3, t3);
    requireApart(names, 1, t1, 4, t4);
    requireApart(names, 2, t2, 3, t3);
    requireApart(names, 2, t2, 4, t4);
    requireApart(names, 3, t3, 4, t4);
  }

  private static void requireApart(String[] names, int i, Tensor a, int j, Tensor b) {
    if (a != null && b != null && a.overlaps(b)) {
      throw new IllegalArgumentException(names[i] + " and " + names[j]
          + " share memory (expected: separate tensors, since the update writes in place)");
    }
  }
}
