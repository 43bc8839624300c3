// 2-d pooling over NCHW planes. Window geometry: kernel, stride, padding, dilation per axis.
#include "harmonics_cuda.cuh"

struct HxWindow {
  int kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW;
  int countIncludePad;
};

// Max pooling: the first strictly greater element wins, and the first NaN beats any number.
extern "C" __global__ void hx_max_pool(const float* x, float* y, int* indices, i64 planes, int h,
                                       int w, int oh, int ow, HxWindow p) {
  i64 n = planes * oh * ow;
  HX_FOR(at, n) {
    int j = (int)(at % ow), i = (int)((at / ow) % oh);
    i64 plane = at / ((i64)oh * ow);
    float best = nanf("");
    int bestIndex = -1;
    for (int u = 0; u < p.kernelH; u++) {
      int ih = i * p.strideH - p.padH + u * p.dilationH;
      if (ih < 0 || ih >= h) continue;
      for (int v = 0; v < p.kernelW; v++) {
        int iw = j * p.strideW - p.padW + v * p.dilationW;
        if (iw < 0 || iw >= w) continue;
        float value = x[(plane * h + ih) * w + iw];
        if (bestIndex < 0 || value > best || (isnan(value) && !isnan(best))) {
          best = value;
          bestIndex = ih * w + iw;
        }
      }
    }
    y[at] = best;
    if (indices) indices[at] = bestIndex;
  }
}

// One thread per plane, outputs in order, so overlapping windows add up deterministically.
extern "C" __global__ void hx_max_pool_backward(const float* dy, const int* indices, float* dx,
                                                i64 planes, i64 planeSize, i64 outPlane) {
  HX_FOR(plane, planes) {
    float* out = dx + plane * planeSize;
    for (i64 k = 0; k < planeSize; k++) out[k] = 0;
    for (i64 k = 0; k < outPlane; k++) {
      i64 at = plane * outPlane + k;
      // -1 marks a window that lay wholly in the padding: it routed nothing.
      if (indices[at] >= 0) out[indices[at]] += dy[at];
    }
  }
}

__device__ inline int hx_pool_divisor(const HxWindow& p, int i, int j, int h, int w) {
  int count = 0;
  for (int u = 0; u < p.kernelH; u++) {
    int ih = i * p.strideH - p.padH + u * p.dilationH;
    for (int v = 0; v < p.kernelW; v++) {
      int iw = j * p.strideW - p.padW + v * p.dilationW;
      bool inside = p.countIncludePad
          ? ih >= -p.padH && ih < h + p.padH && iw >= -p.padW && iw < w + p.padW
          : ih >= 0 && ih < h && iw >= 0 && iw < w;
      if (inside) count++;
    }
  }
  return count;
}

extern "C" __global__ void hx_avg_pool(const float* x, float* y, i64 planes, int h, int w, int oh,
                                       int ow, HxWindow p) {
  i64 n = planes * oh * ow;
  HX_FOR(at, n) {
    int j = (int)(at % ow), i = (int)((at / ow) % oh);
    i64 plane = at / ((i64)oh * ow);
    double sum = 0;
    for (int u = 0; u < p.kernelH; u++) {
      int ih = i * p.strideH - p.padH + u * p.dilationH;
      for (int v = 0; v < p.kernelW; v++) {
        int iw = j * p.strideW - p.padW + v * p.dilationW;
        if (ih >= 0 && ih < h && iw >= 0 && iw < w) sum += x[(plane * h + ih) * w + iw];
      }
    }
    y[at] = (float)(sum / hx_pool_divisor(p, i, j, h, w));
  }
}

// Gathers, for each input element, the shares of the windows that cover it.
extern "C" __global__ void hx_avg_pool_backward(const float* dy, float* dx, i64 planes, int h,
                                                int w, int oh, int ow, HxWindow p) {
  i64 n = planes * h * w;
  HX_FOR(at, n) {
    int iw = (int)(at % w), ih = (int)((at / w) % h);
    i64 plane = at / ((i64)h * w);
    double sum = 0;
    for (int u = 0; u < p.kernelH; u++) {
      int top = ih + p.padH - u * p.dilationH;
      if (top < 0 || top % p.strideH != 0 || top / p.strideH >= oh) continue;
      int i = top / p.strideH;
      for (int v = 0; v < p.kernelW; v++) {
        int left = iw + p.padW - v * p.dilationW;
        if (left < 0 || left % p.strideW != 0 || left / p.strideW >= ow) continue;
        int j = left / p.strideW;
        sum += dy[(plane * oh + i) * ow + j] / (double)hx_pool_divisor(p, i, j, h, w);
      }
    }
    dx[at] = (float)sum;
  }
}

extern "C" __global__ void hx_global_avg_pool(const float* x, float* y, i64 planes,
                                              i64 planeSize) {
  __shared__ double scratch[HX_THREADS];
  for (i64 plane = blockIdx.x; plane < planes; plane += gridDim.x) {
    double sum = 0;
    for (i64 k = threadIdx.x; k < planeSize; k += blockDim.x) sum += x[plane * planeSize + k];
    sum = hx_block_sum(sum, scratch);
    if (threadIdx.x == 0) y[plane] = (float)(sum / planeSize);
  }
}

extern "C" __global__ void hx_global_avg_pool_backward(const float* dy, float* dx, i64 planes,
                                                       i64 planeSize) {
  i64 n = planes * planeSize;
  HX_FOR(at, n) { dx[at] = (float)((double)dy[at / planeSize] / planeSize); }
}
