/*
 * Layer norm forward over contiguous rows, memory-bound: each row is read from memory once and
 * written once. The mean is taken around the row's first element (a pivot) so a large common
 * offset does not cancel the small deviations, and the biased variance is a second pass over
 * (x - mean)^2, as the Java kernels do; that pass and the normalising one read the row from L1.
 * While the normalising pass writes a row, the next row is prefetched into L2 one cache line per
 * line written, so the next mean pass finds it in cache. Large outputs are written with streaming
 * stores (hn_vec.h).
 */
#include "hn_vec.h"

#include <math.h>

/* Four accumulators: the adds of one vector do not wait for the previous vector's. */
static inline float lanes_sum(vf a, vf b, vf c, vf d) {
  vf s = (a + b) + (c + d);
  float sum = 0.0f;
  for (int l = 0; l < HN_LANES; l++) sum += s[l];
  return sum;
}

/* sum(x - shift) over n elements. */
static float sum_shifted(const float *x, int64_t n, float shift) {
  vf a = {0}, b = {0}, c = {0}, d = {0};
  int64_t i = 0;
  for (; i + 4 * HN_LANES <= n; i += 4 * HN_LANES) {
    a += vload(x + i) - shift;
    b += vload(x + i + HN_LANES) - shift;
    c += vload(x + i + 2 * HN_LANES) - shift;
    d += vload(x + i + 3 * HN_LANES) - shift;
  }
  float sum = lanes_sum(a, b, c, d);
  for (; i < n; i++) sum += x[i] - shift;
  return sum;
}

/* sum((x - shift)^2) over n elements. */
static float sum_squares(const float *x, int64_t n, float shift) {
  vf a = {0}, b = {0}, c = {0}, d = {0};
  int64_t i = 0;
  for (; i + 4 * HN_LANES <= n; i += 4 * HN_LANES) {
    vf da = vload(x + i) - shift;
    vf db = vload(x + i + HN_LANES) - shift;
    vf dc = vload(x + i + 2 * HN_LANES) - shift;
    vf dd = vload(x + i + 3 * HN_LANES) - shift;
    a += da * da;
    b += db * db;
    c += dc * dc;
    d += dd * dd;
  }
  float sum = lanes_sum(a, b, c, d);
  for (; i < n; i++) sum += (x[i] - shift) * (x[i] - shift);
  return sum;
}

/*
 * y = (x - mu) * rs * gamma + beta over a row, streamed when stream is set; y may be x. When
 * streaming, each store is paired with a prefetch of the same column of the next row (next), so
 * reads and writes go to memory together, as in a copy. The prefetch goes to L2, not L1: a 4096-
 * float row, gamma, beta and the next row fill the 48 KB L1, and fetching into L1 evicted the
 * row being normalised (16M elements, two threads: 0.71-0.79 of the copy against 0.65-0.77; one
 * thread 0.73-0.79 against 0.62-0.65).
 */
static void normalise(const float *x, const float *gamma, const float *beta, float mu, float rs,
                      float *y, int64_t len, int stream, const float *next) {
  int64_t i = 0;
  int64_t head = stream ? vstream_head(HN_STREAM_BYTES, len, y) : -1;
  if (head >= 0) {
    for (; i < head; i++) y[i] = (x[i] - mu) * rs * gamma[i] + beta[i];
    for (; i + HN_LANES <= len; i += HN_LANES) {
      if (next != NULL) __builtin_prefetch(next + i, 0, 2);
      vstream(y + i, (vload(x + i) - mu) * rs * vload(gamma + i) + vload(beta + i));
    }
  } else {
    for (; i + HN_LANES <= len; i += HN_LANES) {
      vstore(y + i, (vload(x + i) - mu) * rs * vload(gamma + i) + vload(beta + i));
    }
  }
  for (; i < len; i++) y[i] = (x[i] - mu) * rs * gamma[i] + beta[i];
}

void HN_FN(hn_layer_norm_forward_impl)(int64_t rows, int64_t len, const float *x,
                                       const float *gamma, const float *beta, float eps, float *y,
                                       float *mean, float *rstd) {
  int stream = (int64_t)sizeof(float) * rows * len >= HN_STREAM_BYTES;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    float *yr = y + r * len;
    float pivot = xr[0];
    float mu = pivot + sum_shifted(xr, len, pivot) / (float)len;
    float var = sum_squares(xr, len, mu) / (float)len;
    float rs = (float)(1.0 / sqrt((double)var + eps));
    normalise(xr, gamma, beta, mu, rs, yr, len, stream, r + 1 < rows ? xr + len : NULL);
    if (mean != NULL) mean[r] = mu;
    if (rstd != NULL) rstd[r] = rs;
  }
  vstream_fence();
}
