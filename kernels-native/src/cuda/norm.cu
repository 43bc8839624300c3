// Batch, layer and RMS normalisation. Statistics are taken in double; batch norm works one block
// per channel, layer and RMS norm one block per row. Each element is written by the thread that
// read it after the reductions, so outputs may alias inputs.
#include "harmonics_cuda.cuh"

// x: [batch, channels, spatial]; index of the t-th element of channel c.
__device__ inline i64 hx_channel_index(i64 t, int c, int channels, i64 spatial) {
  return ((t / spatial) * channels + c) * spatial + t % spatial;
}

extern "C" __global__ void hx_batch_norm_train(const float* x, const float* gamma,
                                               const float* beta, float* runningMean,
                                               float* runningVar, float momentum, float eps,
                                               float* y, float* saveMean, float* saveInvStd,
                                               int batch, int channels, i64 spatial) {
  __shared__ double scratch[HX_THREADS];
  int c = blockIdx.x;
  i64 count = (i64)batch * spatial;
  double sum = 0;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    sum += x[hx_channel_index(t, c, channels, spatial)];
  }
  double mean = hx_block_sum(sum, scratch) / count;
  double squares = 0;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    double d = x[hx_channel_index(t, c, channels, spatial)] - mean;
    squares += d * d;
  }
  squares = hx_block_sum(squares, scratch);
  double invStd = 1.0 / sqrt(squares / count + eps);
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    i64 i = hx_channel_index(t, c, channels, spatial);
    y[i] = (float)((x[i] - mean) * invStd * gamma[c] + beta[c]);
  }
  if (threadIdx.x == 0) {
    double unbiased = squares / (count - 1);
    runningMean[c] = (float)((1.0 - momentum) * runningMean[c] + momentum * mean);
    runningVar[c] = (float)((1.0 - momentum) * runningVar[c] + momentum * unbiased);
    if (saveMean) saveMean[c] = (float)mean;
    if (saveInvStd) saveInvStd[c] = (float)invStd;
  }
}

extern "C" __global__ void hx_batch_norm_inference(const float* x, const float* gamma,
                                                   const float* beta, const float* runningMean,
                                                   const float* runningVar, float eps, float* y,
                                                   i64 n, int channels, i64 spatial) {
  HX_FOR(i, n) {
    int c = (int)((i / spatial) % channels);
    double invStd = 1.0 / sqrt((double)runningVar[c] + eps);
    y[i] = (float)((x[i] - (double)runningMean[c]) * invStd * gamma[c] + beta[c]);
  }
}

extern "C" __global__ void hx_batch_norm_backward(const float* dy, const float* x,
                                                  const float* gamma, const float* saveMean,
                                                  const float* saveInvStd, float* dx,
                                                  float* dgamma, float* dbeta, int batch,
                                                  int channels, i64 spatial) {
  __shared__ double scratch[HX_THREADS];
  int c = blockIdx.x;
  i64 count = (i64)batch * spatial;
  double mean = saveMean[c], invStd = saveInvStd[c];
  double sumDy = 0, sumDyXhat = 0;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    i64 i = hx_channel_index(t, c, channels, spatial);
    sumDy += dy[i];
    sumDyXhat += dy[i] * ((x[i] - mean) * invStd);
  }
  sumDy = hx_block_sum(sumDy, scratch);
  sumDyXhat = hx_block_sum(sumDyXhat, scratch);
  double scale = gamma[c] * invStd / (double)count;
  for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
    i64 i = hx_channel_index(t, c, channels, spatial);
    double xhat = (x[i] - mean) * invStd;
    dx[i] = (float)(scale * ((double)count * dy[i] - sumDy - xhat * sumDyXhat));
  }
  if (threadIdx.x == 0) {
    if (dgamma) dgamma[c] = (float)sumDyXhat;
    if (dbeta) dbeta[c] = (float)sumDy;
  }
}

extern "C" __global__ void hx_layer_norm_forward(const float* x, const float* gamma,
                                                 const float* beta, float eps, float* y,
                                                 float* saveMean, float* saveRstd, int rows,
                                                 int width) {
  __shared__ double scratch[HX_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    i64 base = (i64)r * width;
    double sum = 0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) sum += x[base + j];
    double mean = hx_block_sum(sum, scratch) / width;
    double squares = 0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      double d = x[base + j] - mean;
      squares += d * d;
    }
    double rstd = 1.0 / sqrt(hx_block_sum(squares, scratch) / width + eps);
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      y[base + j] = (float)((x[base + j] - mean) * rstd * gamma[j] + beta[j]);
    }
    if (threadIdx.x == 0) {
      if (saveMean) saveMean[r] = (float)mean;
      if (saveRstd) saveRstd[r] = (float)rstd;
    }
  }
}

extern "C" __global__ void hx_layer_norm_backward_input(const float* dy, const float* x,
                                                        const float* gamma, const float* saveMean,
                                                        const float* saveRstd, float* dx,
                                                        int rows, int width) {
  __shared__ double scratch[HX_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    i64 base = (i64)r * width;
    double mean = saveMean[r], rstd = saveRstd[r];
    double sumG = 0, sumGXhat = 0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      double xhat = (x[base + j] - mean) * rstd;
      double gj = (double)dy[base + j] * gamma[j];
      sumG += gj;
      sumGXhat += gj * xhat;
    }
    double meanG = hx_block_sum(sumG, scratch) / width;
    double meanGXhat = hx_block_sum(sumGXhat, scratch) / width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      double xhat = (x[base + j] - mean) * rstd;
      double gj = (double)dy[base + j] * gamma[j];
      dx[base + j] = (float)(rstd * (gj - meanG - xhat * meanGXhat));
    }
  }
}

// Column sums for gamma and beta gradients: one thread per column, rows in order. `center` is
// null for RMS norm, whose normalised value is x * saveScale.
extern "C" __global__ void hx_norm_param_grads(const float* dy, const float* x,
                                               const float* center, const float* saveScale,
                                               float* dgamma, float* dbeta, int rows,
                                               int width) {
  HX_FOR(j, (i64)width) {
    double dg = 0, db = 0;
    for (int r = 0; r < rows; r++) {
      i64 i = (i64)r * width + j;
      double xhat = center ? (x[i] - (double)center[r]) * saveScale[r]
                           : x[i] * (double)saveScale[r];
      dg += dy[i] * xhat;
      db += dy[i];
    }
    if (dgamma) dgamma[j] = (float)dg;
    if (dbeta) dbeta[j] = (float)db;
  }
}

extern "C" __global__ void hx_rms_norm_forward(const float* x, const float* gamma, float eps,
                                               float* y, float* saveRrms, int rows, int width) {
  __shared__ double scratch[HX_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    i64 base = (i64)r * width;
    double squares = 0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      squares += (double)x[base + j] * x[base + j];
    }
    double inv = 1.0 / sqrt(hx_block_sum(squares, scratch) / width + eps);
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      y[base + j] = (float)(x[base + j] * inv * gamma[j]);
    }
    if (threadIdx.x == 0 && saveRrms) saveRrms[r] = (float)inv;
  }
}

extern "C" __global__ void hx_rms_norm_backward_input(const float* dy, const float* x,
                                                      const float* gamma, const float* saveRrms,
                                                      float* dx, int rows, int width) {
  __shared__ double scratch[HX_THREADS];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    i64 base = (i64)r * width;
    double inv = saveRrms[r];
    double sumGXhat = 0;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      sumGXhat += (double)dy[base + j] * gamma[j] * (x[base + j] * inv);
    }
    double meanGXhat = hx_block_sum(sumGXhat, scratch) / width;
    for (int j = threadIdx.x; j < width; j += blockDim.x) {
      double xhat = x[base + j] * inv;
      dx[base + j] = (float)(inv * ((double)dy[base + j] * gamma[j] - xhat * meanGXhat));
    }
  }
}
