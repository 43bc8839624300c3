package dev.harmonics.bench.gemm;

/**
 * A GEMM benchmark shape written {@code MxKxN}: A is {@code [M, K]}, B is {@code [K, N]}, C is
 * {@code [M, N]}, as in a dense layer with batch M, K inputs and N outputs.
 */
record GemmShape(int m, int k, int n) {

  static GemmShape parse(String text) {
    String[] parts = text.split("x");
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "shape '" + text + "' (expected: MxKxN, e.g. 128x784x256)");
    }
    return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
        Integer.parseInt(parts[2]));
  }

  /** Multiply-adds count twice. */
  long flops() {
    return 2L * m * n * k;
  }
}
