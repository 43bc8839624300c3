package dev.harmonics.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How many bits each layer's evaluation passes use. Training always runs in float32; the bits
 * apply when the runtime infers or evaluates. At 8 bits or fewer a dense layer runs on the int8
 * GEMM kernel; other layers with weights (convolution, embedding) and dense layers above 8 bits
 * use their weights snapped to a symmetric grid of that many bits. 32 bits is float32, unchanged.
 */
public sealed interface PrecisionPolicy {

  /** Bits for the layer called {@code layer}, in {@code [2, 32]}. */
  int bitsFor(String layer);

  /** A short description for logs and checkpoints, e.g. {@code max-bits(8)}. */
  String describe();

  /** Float32 everywhere: the default. */
  record Auto() implements PrecisionPolicy {
    @Override
    public int bitsFor(String layer) {
      return 32;
    }

    @Override
    public String describe() {
      return "auto";
    }
  }

  /** The same number of bits for every layer. */
  record MaxBits(int bits) implements PrecisionPolicy {
    /** Checks the range. */
    public MaxBits {
      requireBits("bits", bits);
    }

    @Override
    public int bitsFor(String layer) {
      return bits;
    }

    @Override
    public String describe() {
      return "max-bits(" + bits + ")";
    }
  }

  /**
   * Bits from a tolerated quantisation step {@code limit} (a fraction of the range):
   * {@code clamp(ceil(-log2(limit)), 2, 32)} for every layer.
   */
  record EntropyLimit(double limit) implements PrecisionPolicy {
    /** Checks the limit. */
    public EntropyLimit {
      if (!(limit > 0) || Double.isInfinite(limit)) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: finite, > 0)");
      }
    }

    @Override
    public int bitsFor(String layer) {
      double bits = Math.ceil(-Math.log(limit) / Math.log(2));
      return (int) Math.max(2, Math.min(32, bits));
    }

    @Override
    public String describe() {
      return "entropy-limit(" + limit + ")";
    }
  }

  /** Bits per named layer, and {@code fallback} for the others. */
  record PerLayer(Map<String, Integer> bits, PrecisionPolicy fallback)
      implements PrecisionPolicy {
    /** Checks every entry. */
    public PerLayer {
      Objects.requireNonNull(fallback, "fallback");
      bits = new TreeMap<>(bits);
      bits.forEach((layer, b) -> requireBits("bits of '" + layer + "'", b));
      bits = Map.copyOf(bits);
    }

    @Override
    public int bitsFor(String layer) {
      Integer b = bits.get(layer);
      return b != null ? b : fallback.bitsFor(layer);
    }

    @Override
    public String describe() {
      return "per-layer(" + new TreeMap<>(bits) + ", else " + fallback.describe() + ")";
    }
  }

  /** Float32 everywhere. */
  static PrecisionPolicy auto() {
    return new Auto();
  }

  private static void requireBits(String name, int bits) {
    if (bits < 2 || bits > 32) {
      throw new IllegalArgumentException(name + ": " + bits + " (expected: 2 to 32)");
    }
  }
}
