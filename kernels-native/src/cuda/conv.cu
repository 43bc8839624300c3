// 2-d convolution and transposed convolution over NCHW, one thread per output element of each
// kernel (a gather, so no atomics and a fixed summation order). Where the defining sum reads the
// zero padding, the zero is multiplied like any other value, so NaN and infinity in the other
// operand propagate as they would through an explicitly padded input.
#include "harmonics_cuda.cuh"

// n, c, h, w: input; o, oh, ow: output; kh, kw: kernel; groups.
struct HxConv {
  int n, c, h, w, o, oh, ow, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups;
};

// y[b, oc, i, j] = bias[oc] + sum over ic, u, v of w[oc, ic, u, v] * x[b, g*cg + ic, ih, iw].
extern "C" __global__ void hx_conv_forward(const float* x, const float* wt, const float* bias,
                                           float* y, HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.n * p.o * p.oh * p.ow;
  HX_FOR(at, total) {
    int j = (int)(at % p.ow), i = (int)((at / p.ow) % p.oh);
    int oc = (int)((at / ((i64)p.ow * p.oh)) % p.o);
    int b = (int)(at / ((i64)p.ow * p.oh * p.o));
    int first = (oc / og) * cg;
    double acc = bias ? bias[oc] : 0.0;
    for (int ic = 0; ic < cg; ic++) {
      for (int u = 0; u < p.kh; u++) {
        int ih = i * p.strideH - p.padH + u * p.dilationH;
        for (int v = 0; v < p.kw; v++) {
          int iw = j * p.strideW - p.padW + v * p.dilationW;
          float value = ih >= 0 && ih < p.h && iw >= 0 && iw < p.w
              ? x[(((i64)b * p.c + first + ic) * p.h + ih) * p.w + iw] : 0.0f;
          acc += (double)wt[(((i64)oc * cg + ic) * p.kh + u) * p.kw + v] * value;
        }
      }
    }
    y[at] = (float)acc;
  }
}

// dx[b, ch, ih, iw]: the taps of every output that read this input element.
extern "C" __global__ void hx_conv_backward_input(const float* dy, const float* wt, float* dx,
                                                  HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.n * p.c * p.h * p.w;
  HX_FOR(at, total) {
    int iw = (int)(at % p.w), ih = (int)((at / p.w) % p.h);
    int ch = (int)((at / ((i64)p.w * p.h)) % p.c);
    int b = (int)(at / ((i64)p.w * p.h * p.c));
    int g = ch / cg, ic = ch - g * cg;
    double acc = 0;
    for (int oc = g * og; oc < (g + 1) * og; oc++) {
      for (int u = 0; u < p.kh; u++) {
        int top = ih + p.padH - u * p.dilationH;
        if (top < 0 || top % p.strideH != 0 || top / p.strideH >= p.oh) continue;
        int i = top / p.strideH;
        for (int v = 0; v < p.kw; v++) {
          int left = iw + p.padW - v * p.dilationW;
          if (left < 0 || left % p.strideW != 0 || left / p.strideW >= p.ow) continue;
          int j = left / p.strideW;
          acc += (double)wt[(((i64)oc * cg + ic) * p.kh + u) * p.kw + v]
              * dy[(((i64)b * p.o + oc) * p.oh + i) * p.ow + j];
        }
      }
    }
    dx[at] = (float)acc;
  }
}

// dw[oc, ic, u, v] = sum over b, i, j of dy[b, oc, i, j] * x[b, first + ic, ih, iw].
extern "C" __global__ void hx_conv_backward_weight(const float* x, const float* dy, float* dw,
                                                   HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.o * cg * p.kh * p.kw;
  HX_FOR(at, total) {
    int v = (int)(at % p.kw), u = (int)((at / p.kw) % p.kh);
    int ic = (int)((at / ((i64)p.kw * p.kh)) % cg);
    int oc = (int)(at / ((i64)p.kw * p.kh * cg));
    int first = (oc / og) * cg;
    double acc = 0;
    for (int b = 0; b < p.n; b++) {
      for (int i = 0; i < p.oh; i++) {
        int ih = i * p.strideH - p.padH + u * p.dilationH;
        for (int j = 0; j < p.ow; j++) {
          int iw = j * p.strideW - p.padW + v * p.dilationW;
          float value = ih >= 0 && ih < p.h && iw >= 0 && iw < p.w
              ? x[(((i64)b * p.c + first + ic) * p.h + ih) * p.w + iw] : 0.0f;
          acc += (double)dy[(((i64)b * p.o + oc) * p.oh + i) * p.ow + j] * value;
        }
      }
    }
    dw[at] = (float)acc;
  }
}

// One block per output channel: dbias[oc] = sum of dy over batch and plane.
extern "C" __global__ void hx_conv_bias_grad(const float* dy, float* dbias, int n, int o,
                                             i64 plane) {
  __shared__ double scratch[HX_THREADS];
  int oc = blockIdx.x;
  i64 count = (i64)n * plane;
  double sum = 0;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    sum += dy[((t / plane) * o + oc) * plane + t % plane];
  }
  sum = hx_block_sum(sum, scratch);
  if (threadIdx.x == 0) dbias[oc] = (float)sum;
}

// Transposed convolution, weight [c, o/groups, kh, kw]: y gathers from every input tap landing
// on it.
extern "C" __global__ void hx_conv_transpose_forward(const float* x, const float* wt,
                                                     const float* bias, float* y, HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.n * p.o * p.oh * p.ow;
  HX_FOR(at, total) {
    int ox = (int)(at % p.ow), oy = (int)((at / p.ow) % p.oh);
    int och = (int)((at / ((i64)p.ow * p.oh)) % p.o);
    int b = (int)(at / ((i64)p.ow * p.oh * p.o));
    int g = och / og, oc = och - g * og;
    double acc = bias ? bias[och] : 0.0;
    for (int ic = g * cg; ic < (g + 1) * cg; ic++) {
      for (int u = 0; u < p.kh; u++) {
        int top = oy + p.padH - u * p.dilationH;
        if (top < 0 || top % p.strideH != 0 || top / p.strideH >= p.h) continue;
        int i = top / p.strideH;
        for (int v = 0; v < p.kw; v++) {
          int left = ox + p.padW - v * p.dilationW;
          if (left < 0 || left % p.strideW != 0 || left / p.strideW >= p.w) continue;
          int j = left / p.strideW;
          acc += (double)wt[(((i64)ic * og + oc) * p.kh + u) * p.kw + v]
              * x[(((i64)b * p.c + ic) * p.h + i) * p.w + j];
        }
      }
    }
    y[at] = (float)acc;
  }
}

extern "C" __global__ void hx_conv_transpose_backward_input(const float* dy, const float* wt,
                                                            float* dx, HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.n * p.c * p.h * p.w;
  HX_FOR(at, total) {
    int j = (int)(at % p.w), i = (int)((at / p.w) % p.h);
    int ic = (int)((at / ((i64)p.w * p.h)) % p.c);
    int b = (int)(at / ((i64)p.w * p.h * p.c));
    int firstOut = (ic / cg) * og;
    double acc = 0;
    for (int oc = 0; oc < og; oc++) {
      for (int u = 0; u < p.kh; u++) {
        int oy = i * p.strideH - p.padH + u * p.dilationH;
        for (int v = 0; v < p.kw; v++) {
          int ox = j * p.strideW - p.padW + v * p.dilationW;
          float value = oy >= 0 && oy < p.oh && ox >= 0 && ox < p.ow
              ? dy[(((i64)b * p.o + firstOut + oc) * p.oh + oy) * p.ow + ox] : 0.0f;
          acc += (double)wt[(((i64)ic * og + oc) * p.kh + u) * p.kw + v] * value;
        }
      }
    }
    dx[at] = (float)acc;
  }
}

extern "C" __global__ void hx_conv_transpose_backward_weight(const float* x, const float* dy,
                                                             float* dw, HxConv p) {
  int cg = p.c / p.groups, og = p.o / p.groups;
  i64 total = (i64)p.c * og * p.kh * p.kw;
  HX_FOR(at, total) {
    int v = (int)(at % p.kw), u = (int)((at / p.kw) % p.kh);
    int oc = (int)((at / ((i64)p.kw * p.kh)) % og);
    int ic = (int)(at / ((i64)p.kw * p.kh * og));
    int firstOut = (ic / cg) * og;
    double acc = 0;
    for (int b = 0; b < p.n; b++) {
      for (int i = 0; i < p.h; i++) {
        int oy = i * p.strideH - p.padH + u * p.dilationH;
        for (int j = 0; j < p.w; j++) {
          int ox = j * p.strideW - p.padW + v * p.dilationW;
          float value = oy >= 0 && oy < p.oh && ox >= 0 && ox < p.ow
              ? dy[(((i64)b * p.o + firstOut + oc) * p.oh + oy) * p.ow + ox] : 0.0f;
          acc += (double)x[(((i64)b * p.c + ic) * p.h + i) * p.w + j] * value;
        }
      }
    }
    dw[at] = (float)acc;
  }
}
