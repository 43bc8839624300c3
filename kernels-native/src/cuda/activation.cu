// Activation kernels: pointwise forward and backward, and PReLU with a per-channel slope.
#include "harmonics_cuda.cuh"

extern "C" __global__ void hx_act_forward(int f, float alpha, const float* x, float* y, i64 n) {
  HX_FOR(i, n) { y[i] = (float)hx_act(f, x[i], alpha); }
}

extern "C" __global__ void hx_act_backward(int f, float alpha, const float* x, const float* dy,
                                           float* dx, i64 n) {
  HX_FOR(i, n) { dx[i] = (float)(dy[i] * hx_act_slope(f, x[i], alpha)); }
}

// x, y: [outer, channels, inner]; slope: [channels].
extern "C" __global__ void hx_prelu_forward(const float* x, const float* slope, float* y,
                                            i64 outer, int channels, i64 inner) {
  i64 n = outer * channels * inner;
  HX_FOR(i, n) {
    int c = (int)((i / inner) % channels);
    y[i] = (float)hx_act(HX_PRELU, x[i], slope[c]);
  }
}

extern "C" __global__ void hx_prelu_backward_input(const float* x, const float* slope,
                                                   const float* dy, float* dx, i64 outer,
                                                   int channels, i64 inner) {
  i64 n = outer * channels * inner;
  HX_FOR(i, n) {
    int c = (int)((i / inner) % channels);
    dx[i] = (float)((double)dy[i] * hx_act_slope(HX_PRELU, x[i], slope[c]));
  }
}

// One block per channel: the slope's gradient sums x * dy where x is not positive.
extern "C" __global__ void hx_prelu_backward_slope(const float* x, const float* dy, float* dslope,
                                                   i64 outer, int channels, i64 inner) {
  __shared__ double scratch[HX_THREADS];
  int c = blockIdx.x;
  i64 count = outer * inner;
  double sum = 0;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    i64 i = ((t / inner) * channels + c) * inner + t % inner;
    float v = x[i];
    if (!(v > 0)) sum += (double)v * dy[i];
  }
  sum = hx_block_sum(sum, scratch);
  if (threadIdx.x == 0) dslope[c] = (float)sum;
}
