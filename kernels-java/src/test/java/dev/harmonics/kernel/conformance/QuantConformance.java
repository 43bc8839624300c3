package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.QuantKernels;
import dev.harmonics.kernel.QuantParams;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Quantisation conformance. Every kernel of the family is exact by definition (see {@link
 * QuantKernels}), so the candidate must match the reference bit for bit: tolerance zero.
 */
public abstract class QuantConformance extends KernelConformanceTest {

  private QuantKernels quant() {
    return candidate().quant();
  }

  private byte[] quantizeBoth(Tensor x, float scale, int zeroPoint, String what) {
    Tensor expected = track(Tensor.allocate(DType.INT8, x.shape()));
    Tensor actual = track(Tensor.allocate(DType.INT8, x.shape()));
    reference().quant().quantize(x, scale, zeroPoint, expected);
    quant().quantize(x, scale, zeroPoint, actual);
    assertArrayEquals(expected.toByteArray(), actual.toByteArray(), what);
    return actual.toByteArray();
  }

  @Test
  void quantizeMatchesTheReferenceOnAwkwardLengths() {
    float[][] scaleZero = {{0.02f, 0}, {0.013f, -7}, {0.1f, 127}, {1e-3f, -128}};
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor x = uniform(-3f, 3f, n);
      for (float[] sz : scaleZero) {
        quantizeBoth(x, sz[0], (int) sz[1], "quantize n=" + n + " scale=" + sz[0]);
      }
    }
  }

  @Test
  void quantizeRoundsHalfToEvenAndSaturates() {
    float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.75f, 0f,
        -0f, 0.25f, 1.25f, -0.25f, -0.75f, -1.25f, 63.25f, 63.75f, 64f, 64.25f, -64.25f, -64f,
        1e30f, -1e30f, Float.MIN_VALUE, 31.75f, 0.5f};
    Tensor x = of(values, values.length);
    byte[] codes = quantizeBoth(x, 0.5f, 0, "special values");
    byte[] expected = {0, 127, -128, 2, 0, 0, 0, 2, 0, -2, -2, 126, 127, 127, 127, -128, -128,
        127, -128, 0, 64, 1};
    assertArrayEquals(expected, codes, "x / 0.5 rounded half to even, saturated; NaN -> 0");
    byte[] shifted = quantizeBoth(x, 0.5f, -100, "special values, zero point -100");
    assertEquals(-100, shifted[0], "NaN maps to the zero point");
    assertEquals(-98, shifted[3], "0.75 / 0.5 = 1.5 rounds to 2, plus -100");
  }

  @Test
  void dequantizeMatchesTheReferenceForEveryCode() {
    byte[] all = new byte[256 + 37];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i - 128);
    }
    Tensor q = track(Tensor.ofBytes(all, all.length));
    for (int zeroPoint : new int[] {0, -128, 127, 5}) {
      Tensor expected = zeros(all.length);
      Tensor actual = zeros(all.length);
      reference().quant().dequantize(q, 0.037f, zeroPoint, expected);
      quant().dequantize(q, 0.037f, zeroPoint, actual);
      assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "zeroPoint " + zeroPoint);
      assertEquals((float) (3 - zeroPoint) * 0.037f, actual.getFlat(131), "code 3");
    }
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor codes = track(random.int8(n));
      Tensor expected = zeros(n);
      Tensor actual = zeros(n);
      reference().quant().dequantize(codes, 0.5f, -3, expected);
      quant().dequantize(codes, 0.5f, -3, actual);
      assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "n=" + n);
    }
  }

  @Test
  void roundTripErrorIsAtMostHalfAStep() {
    Tensor x = uniform(-2f, 5f, 1000);
    float[] values = x.toFloatArray();
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    for (QuantParams params : new QuantParams[] {QuantParams.symmetric(min, max),
        QuantParams.asymmetric(min, max)}) {
      Tensor q = track(Tensor.allocate(DType.INT8, 1000));
      Tensor back = zeros(1000);
      quant().quantize(x, params, q);
      quant().dequantize(q, params, back);
      float[] restored = back.toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertTrue(Math.abs(values[i] - restored[i]) <= params.scale() * 0.5001f,
            params + ": " + values[i] + " came back as " + restored[i]);
      }
    }
  }

  private void checkGemmInt8(Tensor a, Tensor b, String what) {
    int m = a.dim(0);
    int n = b.dim(1);
    Tensor expected = track(Tensor.allocate(DType.INT32, m, n));
    Tensor actual = track(Tensor.allocate(DType.INT32, m, n));
    actual.data().fill((byte) 0x55);
    reference().quant().gemmInt8(a, b, expected);
    quant().gemmInt8(a, b, actual);
    assertArrayEquals(expected.toIntArray(), actual.toIntArray(), what);
  }

  @Test
  void gemmInt8IsExactOnOddShapes() {
    int[] sizes = {1, 3, 17, 33, 65};
    for (int m : sizes) {
      for (int n : sizes) {
        int k = sizes[(m + 2 * n) % 4];
        checkGemmInt8(track(random.int8(m, k)), track(random.int8(k, n)),
            m + "x" + k + "x" + n);
      }
    }
    checkGemmInt8(track(random.int8(20, 1300)), track(random.int8(1300, 45)),
        "20x1300x45: two depth slices");
    checkGemmInt8(track(random.int8(127, 257)), track(random.int8(257, 70)), "127x257x70");
  }

  /**
   * Up to four rows, the few-row shape the SIMD backend streams B for: K tails of the four-row
   * fold, column tails of the byte vectors, several 1024-column chunks and 1024-deep slices.
   */
  @Test
  void gemmInt8FewRowsOnOddShapes() {
    int[][] kn = {{1, 1}, {7, 17}, {37, 1100}, {1030, 65}, {2051, 33}};
    for (int m = 1; m <= 4; m++) {
      for (int[] shape : kn) {
        int k = shape[0];
        int n = shape[1];
        checkGemmInt8(track(random.int8(m, k)), track(random.int8(k, n)),
            m + "x" + k + "x" + n);
      }
    }
    byte[] lows = new byte[2 * 2100];
    Arrays.fill(lows, Byte.MIN_VALUE);
    checkGemmInt8(track(Tensor.ofBytes(lows, 2, 2100)), track(Tensor.ofBytes(lows, 2100, 2)),
        "few-row sums past 2^24 over three slices");
  }

  @Test
  void gemmInt8OnSeveralThreads() {
    Assumptions.assumeFalse(candidate().backend() == Backend.REFERENCE,
        "the reference is single-threaded and its own oracle");
    int before = KernelPool.shared().parallelism();
    KernelPool.setParallelism(3);
    try {
      checkGemmInt8(track(random.int8(100, 300)), track(random.int8(300, 90)), "shared rectangles");
      checkGemmInt8(track(random.int8(3, 300)), track(random.int8(300, 3500)),
          "few rows, four column chunks on three threads");
      checkGemmInt8(track(random.int8(30, 2100)), track(random.int8(2100, 40)),
          "fixed rectangles, three depth slices");
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  @Test
  void gemmInt8ExtremeCodesStayExact() {
    byte[] lows = new byte[9 * 1100];
    Arrays.fill(lows, Byte.MIN_VALUE);
    byte[] mixed = new byte[1100 * 20];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = i % 3 == 0 ? Byte.MAX_VALUE : Byte.MIN_VALUE;
    }
    checkGemmInt8(track(Tensor.ofBytes(lows, 9, 1100)), track(Tensor.ofBytes(mixed, 1100, 20)),
        "sums past 2^24, where float accumulation alone would round");
  }

  @Test
  void gemmInt8SaturatesInsteadOfWrapping() {
    int k = 140_000;
    byte[] a = new byte[2 * k];
    Arrays.fill(a, Byte.MIN_VALUE);
    byte[] b = new byte[k * 3];
    for (int p = 0; p < k; p++) {
      b[p * 3] = Byte.MIN_VALUE;
      b[p * 3 + 1] = Byte.MAX_VALUE;
      b[p * 3 + 2] = p < k / 2 ? Byte.MIN_VALUE : Byte.MAX_VALUE;
    }
    Tensor at = track(Tensor.ofBytes(a, 2, k));
    Tensor bt = track(Tensor.ofBytes(b, k, 3));
    Tensor c = track(Tensor.allocate(DType.INT32, 2, 3));
    quant().gemmInt8(at, bt, c);
    int[] got = c.toIntArray();
    assertEquals(Integer.MAX_VALUE, got[0], "140000 * 16384 saturates high");
    assertEquals(Integer.MIN_VALUE, got[1], "140000 * -16256 saturates low");
    assertEquals(70_000 * 128, got[2], "partial sums past int32 that cancel stay exact");
    checkGemmInt8(at, bt, "saturation against the reference");
  }

  @Test
  void quantParamsChooseTheRange() {
    QuantParams symmetric = QuantParams.symmetric(-2f, 1.27f);
    assertEquals(2f / 127f, symmetric.scale());
    assertEquals(0, symmetric.zeroPoint());
    QuantParams asymmetric = QuantParams.asymmetric(0f, 2.55f);
    assertEquals(0.01f, asymmetric.scale(), 1e-9f);
    assertEquals(-128, asymmetric.zeroPoint());
    QuantParams widened = QuantParams.asymmetric(1f, 2f);
    assertEquals(-128, widened.zeroPoint(), "the range is widened to contain 0");
    assertEquals(new QuantParams(1f, 0), QuantParams.asymmetric(0f, 0f));
    assertEquals(new QuantParams(1f, 0), QuantParams.symmetric(0f, 0f));
    assertThrows(IllegalArgumentException.class, () -> QuantParams.asymmetric(2f, 1f));
    assertThrows(IllegalArgumentException.class, () -> QuantParams.symmetric(Float.NaN, 1f));
  }

  @Test
  void rejectsBadArguments() {
    Tensor x = zeros(4);
    Tensor q = track(Tensor.allocate(DType.INT8, 4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> quant().quantize(x, 0f, 0, q));
    assertTrue(e.getMessage().startsWith("scale: 0.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> quant().quantize(x, 1f, 128, q));
    assertTrue(e.getMessage().startsWith("zeroPoint: 128"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> quant().quantize(x, 1f, 0, track(Tensor.allocate(DType.INT8, 5))));
    assertTrue(e.getMessage().startsWith("q: int8[5] (expected: the shape of x"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> quant().dequantize(x, 1f, 0, x));
    assertTrue(e.getMessage().startsWith("q: float32[4] (expected: int8)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> quant().gemmInt8(
        track(Tensor.allocate(DType.INT8, 2, 3)), track(Tensor.allocate(DType.INT8, 4, 5)),
        track(Tensor.allocate(DType.INT32, 2, 5))));
    assertTrue(e.getMessage().startsWith("b: int8[4, 5] (expected: [3, N]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> quant().gemmInt8(
        track(Tensor.allocate(DType.INT8, 2, 3)), track(Tensor.allocate(DType.INT8, 3, 5)),
        zeros(2, 5)));
    assertTrue(e.getMessage().startsWith("c: float32[2, 5] (expected: int32)"), e.getMessage());
  }
}
