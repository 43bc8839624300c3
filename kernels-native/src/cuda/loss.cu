// Loss kernels. Cross-entropy works one block per row and leaves each row's loss in `rowLoss`;
// the host sums those in a fixed order (reduce.cu) and divides.
#include "harmonics_cuda.cuh"

// Row max and log of the sum of exponentials, in double, for z[0, n).
__device__ inline void hx_log_softmax_stats(const float* z, int n, double* scratch, double* max,
                                            double* logSum) {
  double m = -HX_INF;
  for (int j = threadIdx.x; j < n; j += blockDim.x) m = hx_max(m, z[j]);
  m = hx_block_max(m, scratch);
  double s = 0;
  for (int j = threadIdx.x; j < n; j += blockDim.x) s += exp(z[j] - m);
  s = hx_block_sum(s, scratch);
  *max = m;
  *logSum = ::log(s);
}

// dlogits may be null (loss only). Rows whose label is ignoreIndex add nothing and get a zero
// gradient.
extern "C" __global__ void hx_cross_entropy_labels(const float* logits, const int* labels,
                                                   float* dlogits, double* rowLoss, int rows,
                                                   int classes, int ignoreIndex, float smoothing,
                                                   int counted) {
  __shared__ double scratch[HX_THREADS];
  double eps = smoothing;
  for (int n = blockIdx.x; n < rows; n += gridDim.x) {
    const float* z = logits + (i64)n * classes;
    int label = labels[n];
    if (label == ignoreIndex) {
      if (dlogits) {
        for (int j = threadIdx.x; j < classes; j += blockDim.x) dlogits[(i64)n * classes + j] = 0;
      }
      if (threadIdx.x == 0) rowLoss[n] = 0;
      continue;
    }
    double max, logSum;
    hx_log_softmax_stats(z, classes, scratch, &max, &logSum);
    double loss = 0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) {
      double logProb = (z[j] - max) - logSum;
      double target = (j == label ? 1 - eps : 0) + eps / classes;
      if (target != 0) loss -= target * logProb;
      if (dlogits) dlogits[(i64)n * classes + j] = (float)((exp(logProb) - target) / counted);
    }
    loss = hx_block_sum(loss, scratch);
    if (threadIdx.x == 0) rowLoss[n] = loss;
  }
}

extern "C" __global__ void hx_cross_entropy_probabilities(const float* logits,
                                                          const float* targets, float* dlogits,
                                                          double* rowLoss, int rows, int classes,
                                                          float smoothing) {
  __shared__ double scratch[HX_THREADS];
  double eps = smoothing;
  for (int n = blockIdx.x; n < rows; n += gridDim.x) {
    const float* z = logits + (i64)n * classes;
    const float* t = targets + (i64)n * classes;
    double max, logSum;
    hx_log_softmax_stats(z, classes, scratch, &max, &logSum);
    double loss = 0, targetSum = 0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) {
      double target = (1 - eps) * t[j] + eps / classes;
      targetSum += target;
      loss -= target * ((z[j] - max) - logSum);
    }
    loss = hx_block_sum(loss, scratch);
    targetSum = hx_block_sum(targetSum, scratch);
    if (dlogits) {
      for (int j = threadIdx.x; j < classes; j += blockDim.x) {
        double target = (1 - eps) * t[j] + eps / classes;
        double prob = exp((z[j] - max) - logSum);
        dlogits[(i64)n * classes + j] = (float)((prob * targetSum - target) / rows);
      }
    }
    if (threadIdx.x == 0) rowLoss[n] = loss;
  }
}

extern "C" __global__ void hx_mse_backward(const float* prediction, const float* target,
                                           float* grad, i64 n) {
  HX_FOR(i, n) { grad[i] = (float)(2.0 * ((double)prediction[i] - target[i]) / n); }
}
