package dev.harmonics.kernel;

/** The arithmetic of {@link ElementwiseKernels}: {@code a op b}, with IEEE 754 float semantics. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  /** IEEE division: x / 0 is +-inf, 0 / 0 is NaN. */
  DIV;

  /** {@code a op b} in double; rounded to float it equals the float operation exactly. */
  public double applyAsDouble(double a, double b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
    };
  }
}
