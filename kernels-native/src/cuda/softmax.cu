// Softmax and log-softmax along an axis: one block per line of `length` elements `inner` apart.
// Each element is read and written by the same thread after the line's reductions, so the output
// may be the input.
#include "harmonics_cuda.cuh"

extern "C" __global__ void hx_softmax(const float* x, float* y, i64 lines, int length, i64 inner,
                                      int log) {
  __shared__ double scratch[HX_THREADS];
  for (i64 line = blockIdx.x; line < lines; line += gridDim.x) {
    i64 base = (line / inner) * length * inner + line % inner;
    double max = -HX_INF;
    for (int l = threadIdx.x; l < length; l += blockDim.x) max = hx_max(max, x[base + l * inner]);
    max = hx_block_max(max, scratch);
    double sum = 0;
    for (int l = threadIdx.x; l < length; l += blockDim.x) sum += exp(x[base + l * inner] - max);
    sum = hx_block_sum(sum, scratch);
    double logSum = ::log(sum);
    for (int l = threadIdx.x; l < length; l += blockDim.x) {
      double shifted = x[base + l * inner] - max;
      y[base + l * inner] = (float)(log ? shifted - logSum : exp(shifted) / sum);
    }
    __syncthreads();
  }
}

extern "C" __global__ void hx_softmax_backward(const float* y, const float* dy, float* dx,
                                               i64 lines, int length, i64 inner, int log) {
  __shared__ double scratch[HX_THREADS];
  for (i64 line = blockIdx.x; line < lines; line += gridDim.x) {
    i64 base = (line / inner) * length * inner + line % inner;
    double s = 0;
    for (int l = threadIdx.x; l < length; l += blockDim.x) {
      i64 i = base + l * inner;
      s += log ? (double)dy[i] : (double)dy[i] * y[i];
    }
    s = hx_block_sum(s, scratch);
    for (int l = threadIdx.x; l < length; l += blockDim.x) {
      i64 i = base + l * inner;
      double yi = y[i], gi = dy[i];
      dx[i] = (float)(log ? gi - exp(yi) * s : yi * (gi - s));
    }
    __syncthreads();
  }
}
