package dev.harmonics.kernel.conformance;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.util.List;

/**
 * One optimizer configuration under test. Every variant gets {@link #STATES} zero-filled state
 * tensors and passes the ones its config uses (null for the rest), so suites can treat all
 * optimizers alike and compare every state tensor.
 */
record OptimizerVariant(String name, Update update) {

  static final int STATES = 3;

  /** One update of {@code param} with {@code grad} at a 1-based {@code step}. */
  @FunctionalInterface
  interface Update {
    void apply(OptimizerKernels k, long step, Tensor param, Tensor grad, Tensor[] state);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Every flag of every optimizer: momentum, dampening, Nesterov, L2 or decoupled decay, ... */
  static List<OptimizerVariant> all() {
    return List.of(
        sgd("sgd", SgdConfig.of(0.1)),
        sgd("sgd weight decay", SgdConfig.of(0.1).withWeightDecay(0.05)),
        sgd("sgd momentum", SgdConfig.ofMomentum(0.1, 0.9)),
        sgd("sgd momentum dampening weight decay", new SgdConfig(0.1, 0.9, 0.3, 0.05, false)),
        sgd("sgd nesterov", SgdConfig.ofNesterov(0.1, 0.9)),
        sgd("sgd nesterov weight decay", SgdConfig.ofNesterov(0.1, 0.9).withWeightDecay(0.05)),
        adam("adam", AdamConfig.adam(0.01)),
        adam("adam l2 weight decay", AdamConfig.adam(0.01).withWeightDecay(0.1)),
        adam("adamw", AdamConfig.adamW(0.01, 0.1)),
        adam("adam amsgrad", AdamConfig.adam(0.01).withAmsgrad(true)),
        adam("adamw amsgrad", AdamConfig.adamW(0.01, 0.1).withAmsgrad(true)),
        rmsprop("rmsprop", RmsPropConfig.of(0.01)),
        rmsprop("rmsprop alpha 0.99", new RmsPropConfig(0.01, 0.99, 1e-8, 0, false, 0)),
        rmsprop("rmsprop centered", RmsPropConfig.of(0.01).withCentered(true)),
        rmsprop("rmsprop momentum", RmsPropConfig.of(0.01).withMomentum(0.9)),
        rmsprop("rmsprop centered momentum weight decay",
            new RmsPropConfig(0.01, 0.9, 1e-8, 0.9, true, 0.05)),
        lamb("lamb", LambConfig.of(0.01)),
        lamb("lamb without weight decay", LambConfig.of(0.01).withWeightDecay(0)));
  }

  static OptimizerVariant sgd(String name, SgdConfig c) {
    return new OptimizerVariant(name,
        (k, step, p, g, s) -> k.sgd(c, step, p, g, c.momentum() != 0 ? s[0] : null));
  }

  static OptimizerVariant adam(String name, AdamConfig c) {
    return new OptimizerVariant(name,
        (k, step, p, g, s) -> k.adam(c, step, p, g, s[0], s[1], c.amsgrad() ? s[2] : null));
  }

  static OptimizerVariant rmsprop(String name, RmsPropConfig c) {
    return new OptimizerVariant(name, (k, step, p, g, s) -> k.rmsprop(c, p, g, s[0],
        c.momentum() != 0 ? s[1] : null, c.centered() ? s[2] : null));
  }

  static OptimizerVariant lamb(String name, LambConfig c) {
    return new OptimizerVariant(name, (k, step, p, g, s) -> k.lamb(c, step, p, g, s[0], s[1]));
  }

  /** True when one element's NaN reaches every element (LAMB's norms span the tensor). */
  boolean mixesElements() {
    return name.startsWith("lamb");
  }
}
