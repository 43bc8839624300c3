// Fixed-order sums of per-block partial results, shared by the kernels that return a scalar.
#include "harmonics_cuda.cuh"

// One block: out[0] = sum of partials[0, count), combined in a fixed order.
extern "C" __global__ void hx_sum_doubles(const double* partials, int count, double* out) {
  __shared__ double scratch[HX_THREADS];
  double sum = 0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) sum += partials[i];
  sum = hx_block_sum(sum, scratch);
  if (threadIdx.x == 0) out[0] = sum;
}

// partials[block] = sum of x[i]^2 over the elements this block visits.
extern "C" __global__ void hx_sum_squares(const float* x, i64 n, double* partials) {
  __shared__ double scratch[HX_THREADS];
  double sum = 0;
  HX_FOR(i, n) {
    double v = x[i];
    sum += v * v;
  }
  sum = hx_block_sum(sum, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

// partials[block] = sum of (a[i] - b[i])^2 over the elements this block visits.
extern "C" __global__ void hx_sum_squared_differences(const float* a, const float* b, i64 n,
                                                      double* partials) {
  __shared__ double scratch[HX_THREADS];
  double sum = 0;
  HX_FOR(i, n) {
    double d = (double)a[i] - b[i];
    sum += d * d;
  }
  sum = hx_block_sum(sum, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}
