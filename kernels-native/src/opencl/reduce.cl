// Reductions: one work-item per output (a line, a row, a channel), summing in acc_t.

// x seen as [outer, length, inner]; one work-item per (outer, inner) line along `length`. Every
// input of a line is read before any output is written, so y may be x.
__kernel void softmax_forward(__global const float* x, __global float* y, int outer, int length,
                              int inner, int logOut) {
  long line = get_global_id(0);
  if (line >= (long) outer * inner) {
    return;
  }
  long base = (line / inner) * (long) length * inner + line % inner;
  acc_t max = -INFINITY;
  for (int l = 0; l < length; l++) {
    max = nan_max(max, (acc_t) x[base + (long) l * inner]);
  }
  acc_t sum = 0;
  for (int l = 0; l < length; l++) {
    sum += exp((acc_t) x[base + (long) l * inner] - max);
  }
  acc_t logSum = log(sum);
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    acc_t shifted = (acc_t) x[i] - max;
    y[i] = (float) (logOut ? shifted - logSum : exp(shifted) / sum);
  }
}

__kernel void softmax_backward(__global const float* y, __global const float* dy,
                               __global float* dx, int outer, int length, int inner, int logIn) {
  long line = get_global_id(0);
  if (line >= (long) outer * inner) {
    return;
  }
  long base = (line / inner) * (long) length * inner + line % inner;
  acc_t s = 0;
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    s += logIn ? (acc_t) dy[i] : (acc_t) dy[i] * (acc_t) y[i];
  }
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    acc_t yi = y[i];
    acc_t gi = dy[i];
    dx[i] = (float) (logIn ? gi - exp(yi) * s : yi * (gi - s));
  }
}

// Over the axes of x that `reduced` marks: x's shape padded to 8 (`shape`), the output's shape
// with reduced axes kept as 1 (`outShape`), and the extents visited per output (`reducedShape`:
// the size along reduced axes, 1 elsewhere). One work-item per output element; it visits its
// slice in row-major order, the order of the reference.
inline long slice_start(long q, int8 outShape, int8 shape, int* s, int* os, int* coord) {
  int o[8] = {outShape.s0, outShape.s1, outShape.s2, outShape.s3, outShape.s4, outShape.s5,
              outShape.s6, outShape.s7};
  int x[8] = {shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7};
  for (int d = 7; d >= 0; d--) {
    s[d] = x[d];
    os[d] = o[d];
    coord[d] = (int) (q % o[d]);
    q /= o[d];
  }
  return 0;
}

inline long slice_flat(long r, int* s, int* os, int* base) {
  int coord[8];
  for (int d = 7; d >= 0; d--) {
    if (os[d] == 1 && s[d] > 1) {
      coord[d] = (int) (r % s[d]);
      r /= s[d];
    } else {
      coord[d] = base[d];
    }
  }
  long flat = 0;
  for (int d = 0; d < 8; d++) {
    flat = flat * s[d] + coord[d];
  }
  return flat;
}

__kernel void reduce_sum(__global const float* x, int8 shape, int8 outShape, long reducedCount,
                         int divisor, __global float* out, long n) {
  long q = get_global_id(0);
  if (q >= n) {
    return;
  }
  int s[8], os[8], base[8];
  slice_start(q, outShape, shape, s, os, base);
  acc_t sum = 0;
  for (long r = 0; r < reducedCount; r++) {
    sum += x[slice_flat(r, s, os, base)];
  }
  out[q] = (float) (sum / (acc_t) divisor);
}

__kernel void reduce_max(__global const float* x, int8 shape, int8 outShape, long reducedCount,
                         __global float* out, long n) {
  long q = get_global_id(0);
  if (q >= n) {
    return;
  }
  int s[8], os[8], base[8];
  slice_start(q, outShape, shape, s, os, base);
  float max = -INFINITY;
  for (long r = 0; r < reducedCount; r++) {
    float v = x[slice_flat(r, s, os, base)];
    max = isnan(max) || isnan(v) ? NAN : fmax(max, v);
  }
  out[q] = max;
}

// The gradient goes to the first element of each slice equal to the maximum (or NaN where the
// maximum is NaN); the rest of the slice gets 0.
__kernel void reduce_max_backward(__global const float* x, __global const float* y,
                                  __global const float* dy, int8 shape, int8 outShape,
                                  long reducedCount, __global float* dx, long n) {
  long q = get_global_id(0);
  if (q >= n) {
    return;
  }
  int s[8], os[8], base[8];
  slice_start(q, outShape, shape, s, os, base);
  float max = y[q];
  int routed = 0;
  for (long r = 0; r < reducedCount; r++) {
    long i = slice_flat(r, s, os, base);
    float v = x[i];
    int hit = !routed && (v == max || (isnan(v) && isnan(max)));
    dx[i] = hit ? dy[q] : 0.0f;
    routed |= hit;
  }
}

// dx[i] = scale * dy[slice of i]; `strides` are dy's strides over dx's shape (0 on reduced axes).
__kernel void reduce_broadcast(__global const float* dy, int8 shape, int8 strides, float scale,
                               __global float* dx, long n) {
  long i = get_global_id(0);
  if (i < n) {
    dx[i] = dy[offset8(i, shape, strides)] * scale;
  }
}

// Partial sums of x^2 (or of (x - y)^2 when hasY) over chunks of `chunk` elements, one work-item
// per chunk; sum_partials then adds them in order, so the result does not depend on the device's
// parallelism.
__kernel void partial_sum_squares(__global const float* x, __global const float* y, int hasY,
                                  long n, int chunk, __global acc_t* partials, long chunks) {
  long c = get_global_id(0);
  if (c >= chunks) {
    return;
  }
  long end = min(n, (c + 1) * (long) chunk);
  acc_t sum = 0;
  for (long i = c * (long) chunk; i < end; i++) {
    acc_t d = hasY ? (acc_t) x[i] - (acc_t) y[i] : (acc_t) x[i];
    sum += d * d;
  }
  partials[c] = sum;
}

__kernel void sum_partials(__global const acc_t* partials, long count, __global acc_t* out) {
  if (get_global_id(0) != 0) {
    return;
  }
  acc_t sum = 0;
  for (long c = 0; c < count; c++) {
    sum += partials[c];
  }
  out[0] = sum;
}

__kernel void mse_backward(__global const float* p, __global const float* t,
                           __global float* dp, long n) {
  long i = get_global_id(0);
  if (i < n) {
    dp[i] = (float) ((acc_t) 2 * ((acc_t) p[i] - (acc_t) t[i]) / (acc_t) n);
  }
}

// log softmax of one row into the caller's running values: returns max and log-sum.
inline void row_log_softmax(__global const float* z, int classes, acc_t* max, acc_t* logSum) {
  acc_t m = -INFINITY;
  for (int j = 0; j < classes; j++) {
    m = nan_max(m, (acc_t) z[j]);
  }
  acc_t sum = 0;
  for (int j = 0; j < classes; j++) {
    sum += exp((acc_t) z[j] - m);
  }
  *max = m;
  *logSum = log(sum);
}

// Fused softmax cross-entropy with int labels: one work-item per row writes the row's loss into
// rowLoss and, when hasGrad, the row of dlogits (zeros for an ignored row).
__kernel void cross_entropy_labels(__global const float* logits, __global const int* labels,
                                   int ignoreIndex, float smoothing, int rows, int classes,
                                   int counted, int hasGrad, __global float* dlogits,
                                   __global acc_t* rowLoss) {
  int n = get_global_id(0);
  if (n >= rows) {
    return;
  }
  __global const float* z = logits + (long) n * classes;
  __global float* g = dlogits + (long) n * classes;
  int label = labels[n];
  if (label == ignoreIndex) {
    rowLoss[n] = 0;
    if (hasGrad) {
      for (int j = 0; j < classes; j++) {
        g[j] = 0.0f;
      }
    }
    return;
  }
  acc_t max, logSum;
  row_log_softmax(z, classes, &max, &logSum);
  acc_t eps = smoothing;
  acc_t total = 0;
  for (int j = 0; j < classes; j++) {
    acc_t logProb = ((acc_t) z[j] - max) - logSum;
    acc_t target = (j == label ? (acc_t) 1 - eps : (acc_t) 0) + eps / (acc_t) classes;
    if (target != 0) {
      total -= target * logProb;
    }
    if (hasGrad) {
      g[j] = (float) ((exp(logProb) - target) / (acc_t) counted);
    }
  }
  rowLoss[n] = total;
}

__kernel void cross_entropy_probabilities(__global const float* logits,
                                          __global const float* targets, float smoothing,
                                          int rows, int classes, int hasGrad,
                                          __global float* dlogits, __global acc_t* rowLoss) {
  int n = get_global_id(0);
  if (n >= rows) {
    return;
  }
  __global const float* z = logits + (long) n * classes;
  __global const float* t = targets + (long) n * classes;
  __global float* g = dlogits + (long) n * classes;
  acc_t max, logSum;
  row_log_softmax(z, classes, &max, &logSum);
  acc_t eps = smoothing;
  acc_t total = 0;
  acc_t targetSum = 0;
  for (int j = 0; j < classes; j++) {
    acc_t target = ((acc_t) 1 - eps) * (acc_t) t[j] + eps / (acc_t) classes;
    targetSum += target;
    total -= target * (((acc_t) z[j] - max) - logSum);
  }
  if (hasGrad) {
    for (int j = 0; j < classes; j++) {
      acc_t target = ((acc_t) 1 - eps) * (acc_t) t[j] + eps / (acc_t) classes;
      acc_t logProb = ((acc_t) z[j] - max) - logSum;
      g[j] = (float) ((exp(logProb) * targetSum - target) / (acc_t) rows);
    }
  }
  rowLoss[n] = total;
}

// Norms. Batch norm: one work-item per channel of x seen as [batch, channels, spatial]; layer and
// RMS norm: one per row of [rows, width], plus one per column for the parameter gradients. Each
// work-item reads everything it needs before writing, so outputs may be inputs.

#define NC_INDEX(n, c, s) (((long) (n) * channels + (c)) * spatial + (s))

__kernel void batch_norm_train(__global const float* x, __global const float* gamma,
                               __global const float* beta, __global float* runningMean,
                               __global float* runningVar, float momentum, float eps,
                               __global float* y, int hasSave, __global float* saveMean,
                               __global float* saveInvStd, int batch, int channels,
                               int spatial) {
  int c = get_global_id(0);
  if (c >= channels) {
    return;
  }
  long count = (long) batch * spatial;
  acc_t sum = 0;
  for (int n = 0; n < batch; n++) {
    for (int s = 0; s < spatial; s++) {
      sum += x[NC_INDEX(n, c, s)];
    }
  }
  acc_t mean = sum / (acc_t) count;
  acc_t squares = 0;
  for (int n = 0; n < batch; n++) {
    for (int s = 0; s < spatial; s++) {
      acc_t d = (acc_t) x[NC_INDEX(n, c, s)] - mean;
      squares += d * d;
    }
  }
  acc_t invStd = (acc_t) 1 / sqrt(squares / (acc_t) count + (acc_t) eps);
  acc_t g = gamma[c];
  acc_t b = beta[c];
  for (int n = 0; n < batch; n++) {
    for (int s = 0; s < spatial; s++) {
      long i = NC_INDEX(n, c, s);
      y[i] = (float) (((acc_t) x[i] - mean) * invStd * g + b);
    }
  }
  acc_t unbiased = squares / (acc_t) (count - 1);
  acc_t m = momentum;
  runningMean[c] = (float) (((acc_t) 1 - m) * (acc_t) runningMean[c] + m * mean);
  runningVar[c] = (float) (((acc_t) 1 - m) * (acc_t) runningVar[c] + m * unbiased);
  if (hasSave & 1) {
    saveMean[c] = (float) mean;
  }
  if (hasSave & 2) {
    saveInvStd[c] = (float) invStd;
  }
}

__kernel void batch_norm_inference(__global const float* x, __global const float* gamma,
                                   __global const float* beta, __global const float* runningMean,
                                   __global const float* runningVar, float eps, __global float* y,
                                   int channels, int spatial, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  int c = (i / spatial) % channels;
  acc_t invStd = (acc_t) 1 / sqrt((acc_t) runningVar[c] + (acc_t) eps);
  y[i] = (float) (((acc_t) x[i] - (acc_t) runningMean[c]) * invStd * (acc_t) gamma[c]
      + (acc_t) beta[c]);
}

__kernel void batch_norm_backward(__global const float* dy, __global const float* x,
                                  __global const float* gamma, __global const float* saveMean,
                                  __global const float* saveInvStd, __global float* dx,
                                  int hasGrads, __global float* dgamma, __global float* dbeta,
                                  int batch, int channels, int spatial) {
  int c = get_global_id(0);
  if (c >= channels) {
    return;
  }
  acc_t count = (acc_t) batch * (acc_t) spatial;
  acc_t mean = saveMean[c];
  acc_t invStd = saveInvStd[c];
  acc_t sumDy = 0;
  acc_t sumDyXhat = 0;
  for (int n = 0; n < batch; n++) {
    for (int s = 0; s < spatial; s++) {
      long i = NC_INDEX(n, c, s);
      sumDy += dy[i];
      sumDyXhat += (acc_t) dy[i] * (((acc_t) x[i] - mean) * invStd);
    }
  }
  acc_t scale = (acc_t) gamma[c] * invStd / count;
  for (int n = 0; n < batch; n++) {
    for (int s = 0; s < spatial; s++) {
      long i = NC_INDEX(n, c, s);
      acc_t xhat = ((acc_t) x[i] - mean) * invStd;
      dx[i] = (float) (scale * (count * (acc_t) dy[i] - sumDy - xhat * sumDyXhat));
    }
  }
  if (hasGrads & 1) {
    dgamma[c] = (float) sumDyXhat;
  }
  if (hasGrads & 2) {
    dbeta[c] = (float) sumDy;
  }
}

__kernel void layer_norm_forward(__global const float* x, __global const float* gamma,
                                 __global const float* beta, float eps, __global float* y,
                                 int hasSave, __global float* saveMean,
                                 __global float* saveRstd, int rows, int width) {
  int r = get_global_id(0);
  if (r >= rows) {
    return;
  }
  long base = (long) r * width;
  acc_t sum = 0;
  for (int j = 0; j < width; j++) {
    sum += x[base + j];
  }
  acc_t mean = sum / (acc_t) width;
  acc_t squares = 0;
  for (int j = 0; j < width; j++) {
    acc_t d = (acc_t) x[base + j] - mean;
    squares += d * d;
  }
  acc_t rstd = (acc_t) 1 / sqrt(squares / (acc_t) width + (acc_t) eps);
  for (int j = 0; j < width; j++) {
    y[base + j] = (float) (((acc_t) x[base + j] - mean) * rstd * (acc_t) gamma[j]
        + (acc_t) beta[j]);
  }
  if (hasSave & 1) {
    saveMean[r] = (float) mean;
  }
  if (hasSave & 2) {
    saveRstd[r] = (float) rstd;
  }
}

// dgamma[j] = sum over rows of dy * xhat, dbeta[j] = sum of dy; one work-item per column. Runs
// before the row kernel, which may overwrite dy.
__kernel void layer_norm_backward_columns(__global const float* dy, __global const float* x,
                                          __global const float* saveMean,
                                          __global const float* saveRstd, int hasGrads,
                                          __global float* dgamma, __global float* dbeta,
                                          int rows, int width) {
  int j = get_global_id(0);
  if (j >= width) {
    return;
  }
  acc_t dg = 0;
  acc_t db = 0;
  for (int r = 0; r < rows; r++) {
    long i = (long) r * width + j;
    acc_t xhat = ((acc_t) x[i] - (acc_t) saveMean[r]) * (acc_t) saveRstd[r];
    dg += (acc_t) dy[i] * xhat;
    db += dy[i];
  }
  if (hasGrads & 1) {
    dgamma[j] = (float) dg;
  }
  if (hasGrads & 2) {
    dbeta[j] = (float) db;
  }
}

__kernel void layer_norm_backward_rows(__global const float* dy, __global const float* x,
                                       __global const float* gamma,
                                       __global const float* saveMean,
                                       __global const float* saveRstd, __global float* dx,
                                       int rows, int width) {
  int r = get_global_id(0);
  if (r >= rows) {
    return;
  }
  long base = (long) r * width;
  acc_t mean = saveMean[r];
  acc_t rstd = saveRstd[r];
  acc_t sumG = 0;
  acc_t sumGXhat = 0;
  for (int j = 0; j < width; j++) {
    acc_t xhat = ((acc_t) x[base + j] - mean) * rstd;
    acc_t gj = (acc_t) dy[base + j] * (acc_t) gamma[j];
    sumG += gj;
    sumGXhat += gj * xhat;
  }
  acc_t meanG = sumG / (acc_t) width;
  acc_t meanGXhat = sumGXhat / (acc_t) width;
  for (int j = 0; j < width; j++) {
    acc_t xhat = ((acc_t) x[base + j] - mean) * rstd;
    acc_t gj = (acc_t) dy[base + j] * (acc_t) gamma[j];
    dx[base + j] = (float) (rstd * (gj - meanG - xhat * meanGXhat));
  }
}

__kernel void rms_norm_forward(__global const float* x, __global const float* gamma, float eps,
                               __global float* y, int hasSave, __global float* saveRrms,
                               int rows, int width) {
  int r = get_global_id(0);
  if (r >= rows) {
    return;
  }
  long base = (long) r * width;
  acc_t squares = 0;
  for (int j = 0; j < width; j++) {
    squares += (acc_t) x[base + j] * (acc_t) x[base + j];
  }
  acc_t inv = (acc_t) 1 / sqrt(squares / (acc_t) width + (acc_t) eps);
  for (int j = 0; j < width; j++) {
    y[base + j] = (float) ((acc_t) x[base + j] * inv * (acc_t) gamma[j]);
  }
  if (hasSave) {
    saveRrms[r] = (float) inv;
  }
}

__kernel void rms_norm_backward_columns(__global const float* dy, __global const float* x,
                                        __global const float* saveRrms, __global float* dgamma,
                                        int rows, int width) {
  int j = get_global_id(0);
  if (j >= width) {
    return;
  }
  acc_t dg = 0;
  for (int r = 0; r < rows; r++) {
    long i = (long) r * width + j;
    dg += (acc_t) dy[i] * ((acc_t) x[i] * (acc_t) saveRrms[r]);
  }
  dgamma[j] = (float) dg;
}

__kernel void rms_norm_backward_rows(__global const float* dy, __global const float* x,
                                     __global const float* gamma, __global const float* saveRrms,
                                     __global float* dx, int rows, int width) {
  int r = get_global_id(0);
  if (r >= rows) {
    return;
  }
  long base = (long) r * width;
  acc_t inv = saveRrms[r];
  acc_t sumGXhat = 0;
  for (int j = 0; j < width; j++) {
    sumGXhat += (acc_t) dy[base + j] * (acc_t) gamma[j] * ((acc_t) x[base + j] * inv);
  }
  acc_t meanGXhat = sumGXhat / (acc_t) width;
  for (int j = 0; j < width; j++) {
    acc_t xhat = (acc_t) x[base + j] * inv;
    dx[base + j] = (float) (inv * ((acc_t) dy[base + j] * (acc_t) gamma[j] - xhat * meanGXhat));
  }
}
