package dev.harmonics.kernel.conformance;

import dev.harmonics.kernel.Conv2dParams;
import dev.harmonics.kernel.ConvTranspose2dParams;
import dev.harmonics.testing.RandomTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One convolution configuration for the conformance suites: input {@code [n, c, h, w]}, weight
 * {@code [o, c / groups, kh, kw]} (or {@code [c, o / groups, kh, kw]} when used as a transposed
 * convolution, whose output padding is {@code outPadH, outPadW}).
 */
record ConvCase(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams params,
    int outPadH, int outPadW) {

  int oh() {
    return params.outputHeight(h, kh);
  }

  int ow() {
    return params.outputWidth(w, kw);
  }

  ConvTranspose2dParams transposeParams() {
    return new ConvTranspose2dParams(params, outPadH, outPadW);
  }

  int[] xShape() {
    return new int[] {n, c, h, w};
  }

  int[] wShape() {
    return new int[] {o, c / params.groups(), kh, kw};
  }

  int[] yShape() {
    return new int[] {n, o, oh(), ow()};
  }

  int[] transposeWShape() {
    return new int[] {c, o / params.groups(), kh, kw};
  }

  int[] transposeYShape() {
    ConvTranspose2dParams t = transposeParams();
    return new int[] {n, o, t.outputHeight(h, kh), t.outputWidth(w, kw)};
  }

  @Override
  public String toString() {
    Conv2dParams p = params;
    return "x[" + n + "," + c + "," + h + "," + w + "] o=" + o + " k=" + kh + "x" + kw
        + " s=" + p.strideH() + "," + p.strideW() + " p=" + p.padH() + "," + p.padW()
        + " d=" + p.dilationH() + "," + p.dilationW() + " g=" + p.groups()
        + " op=" + outPadH + "," + outPadW;
  }

  static ConvCase of(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p) {
    return new ConvCase(n, c, h, w, o, kh, kw, p, 0, 0);
  }

  private static final int[] SIZES = {1, 5, 7, 13, 28};
  private static final int[][] KERNELS = {{1, 1}, {3, 3}, {5, 5}, {1, 3}, {3, 2}, {2, 5}};

  /**
   * Hand-picked configurations (a large layer, depthwise, strided and dilated shapes, vector-tail
   * widths) followed by {@code random} random ones, each valid for both the forward and the
   * transposed convolution.
   */
  static List<ConvCase> cases(int random) {
    List<ConvCase> cases = new ArrayList<>();
    cases.add(of(1, 1, 1, 1, 1, 1, 1, Conv2dParams.defaults()));
    cases.add(of(1, 16, 28, 28, 32, 3, 3, Conv2dParams.of(1, 1)));
    cases.add(of(3, 8, 13, 13, 8, 3, 3, Conv2dParams.of(2, 1).withGroups(8)));
    cases.add(of(1, 6, 7, 7, 12, 3, 3, Conv2dParams.of(1, 1).withGroups(6)));
    cases.add(of(2, 4, 9, 11, 19, 1, 1, Conv2dParams.of(2, 0)));
    cases.add(of(1, 3, 13, 13, 10, 5, 5, Conv2dParams.of(3, 2).withDilation(2)));
    cases.add(of(1, 2, 6, 33, 9, 3, 1, new Conv2dParams(1, 2, 1, 0, 2, 1, 1)));
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      if (width <= 33) {
        cases.add(of(1, 2, 3, width, 9, 3, 3, Conv2dParams.of(1, 1)));
      }
    }
    SplittableRandom random0 = new SplittableRandom(0xC0DE);
    while (cases.size() < 18 + random) {
      ConvCase k = randomCase(random0);
      if (k != null) {
        cases.add(k);
      }
    }
    return cases;
  }

  /** A random configuration, or null when the draw has no valid output. */
  private static ConvCase randomCase(SplittableRandom r) {
    int n = r.nextBoolean() ? 1 : 3;
    int[] k = KERNELS[r.nextInt(KERNELS.length)];
    int h = SIZES[r.nextInt(SIZES.length)];
    int w = SIZES[r.nextInt(SIZES.length)];
    int kind = r.nextInt(3);
    int c;
    int o;
    int groups;
    if (kind == 0) {
      groups = 1;
      c = 1 + r.nextInt(5);
      o = new int[] {1, 3, 8, 12, 19}[r.nextInt(5)];
    } else if (kind == 1) {
      groups = 2;
      c = 2 * (1 + r.nextInt(3));
      o = 2 * (1 + r.nextInt(9));
    } else {
      c = 1 + r.nextInt(6);
      groups = c;
      o = c * (1 + r.nextInt(2));
    }
    Conv2dParams p = new Conv2dParams(1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(3),
        r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2), groups);
    int opH = r.nextInt(Math.max(p.strideH(), p.dilationH()));
    int opW = r.nextInt(Math.max(p.strideW(), p.dilationW()));
    ConvCase candidate = new ConvCase(n, c, h, w, o, k[0], k[1], p, opH, opW);
    try {
      candidate.yShape();
      candidate.transposeYShape();
      return candidate;
    } catch (IllegalArgumentException tooSmall) {
      return null;
    }
  }
}
