/*
 * Layer norm forward over contiguous rows, memory-bound: each row is read from memory once and
 * written once. One pass sums d = x - p and d^2 around a shift p, the mean of the row's first
 * block (its first element in rows shorter than a block), so that a large common offset does not
 * cancel the small deviations: the mean is p + m1 and the biased variance m2 - m1^2, with m1 and
 * m2 the means of d and d^2. The difference keeps at least half of m2's precision while m1^2 <=
 * m2 / 2, that is while p lies within one standard deviation of the mean, which the first
 * block's mean does for rows that are not sorted or skewed; for the other rows (and any row with
 * NaN, infinities or squares beyond float) the variance is a second pass over (x - mean)^2, as
 * the Java kernels take it for rows longer than 4096. The normalising pass reads the row from L1.
 * While it writes a row, the next row is prefetched into L2 one cache line per line written, so
 * the next statistics pass finds it in cache. Large outputs are written with streaming stores
 * (hn_vec.h).
 *
 * Why one pass: memory is idle while a core computes a row's statistics, and busy only while it
 * normalises (reads of the next row and streaming writes together), so the statistics' time adds
 * to the row's. With two passes over the row for them, 16M elements on two threads ran at
 * 0.71-0.82 of the copy (median 0.73-0.75); with one, 0.75-0.84 (docs/performance.md).
 */
#include "hn_vec.h"

#include <float.h>
#include <math.h>

/* Four accumulators: the adds of one vector do not wait for the previous vector's. */
static inline float lanes_sum(vf a, vf b, vf c, vf d) { return vsum_lanes((a + b) + (c + d)); }

/*
 * The mean of the row's first block of four vectors, or its first element in a shorter row or
 * where the block's sum overflows (a block averaging above about 5e36): any finite shift is
 * exact, a near one only keeps the one-pass variance in use.
 */
static float first_block_mean(const float *x, int64_t len) {
  if (len < 4 * HN_LANES) return x[0];
  vf a = vload(x), b = vload(x + HN_LANES);
  vf c = vload(x + 2 * HN_LANES), d = vload(x + 3 * HN_LANES);
  float mean = lanes_sum(a, b, c, d) / (float)(4 * HN_LANES);
  return isfinite(mean) ? mean : x[0];
}

/* sum(x - shift) and sum((x - shift)^2) over n elements, in one pass. */
static void sums_shifted(const float *x, int64_t n, float shift, float *sum, float *squares) {
  vf a = {0}, b = {0}, c = {0}, d = {0};
  vf qa = {0}, qb = {0}, qc = {0}, qd = {0};
  int64_t i = 0;
  for (; i + 4 * HN_LANES <= n; i += 4 * HN_LANES) {
    vf da = vload(x + i) - shift;
    vf db = vload(x + i + HN_LANES) - shift;
    vf dc = vload(x + i + 2 * HN_LANES) - shift;
    vf dd = vload(x + i + 3 * HN_LANES) - shift;
    a += da;
    b += db;
    c += dc;
    d += dd;
    qa += da * da;
    qb += db * db;
    qc += dc * dc;
    qd += dd * dd;
  }
  for (; i + HN_LANES <= n; i += HN_LANES) {
    vf da = vload(x + i) - shift;
    a += da;
    qa += da * da;
  }
  if (i < n) {
    /* The tail's missing lanes read as the shift itself, so they add 0 to both sums. */
    vf db = vload_part(x + i, n - i, shift) - shift;
    b += db;
    qb += db * db;
  }
  float s = lanes_sum(a, b, c, d);
  float q = lanes_sum(qa, qb, qc, qd);
  *sum = s;
  *squares = q;
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
  if (i < len) {
    int64_t n = len - i;
    vf xs = vload_part(x + i, n, 0.0f), g = vload_part(gamma + i, n, 0.0f);
    vstore_part(y + i, (xs - mu) * rs * g + vload_part(beta + i, n, 0.0f), n);
  }
}

void HN_FN(hn_layer_norm_forward_impl)(int64_t rows, int64_t len, const float *x,
                                       const float *gamma, const float *beta, float eps, float *y,
                                       float *mean, float *rstd) {
  int stream = (int64_t)sizeof(float) * rows * len >= HN_STREAM_BYTES;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    float *yr = y + r * len;
    float shift = first_block_mean(xr, len);
    float sum, squares;
    sums_shifted(xr, len, shift, &sum, &squares);
    float m1 = sum / (float)len;
    float m2 = squares / (float)len;
    float mu = shift + m1;
    float var = m2 - m1 * m1;
    if (!(m1 * m1 <= 0.5f * m2 && m2 <= FLT_MAX)) {
      /* The second pass: the same sums around the mean, whose squares are then the variance. */
      sums_shifted(xr, len, mu, &sum, &squares);
      var = squares / (float)len;
    }
    float rs = (float)(1.0 / sqrt((double)var + eps));
    normalise(xr, gamma, beta, mu, rs, yr, len, stream, r + 1 < rows ? xr + len : NULL);
    if (mean != NULL) mean[r] = mu;
    if (rstd != NULL) rstd[r] = rs;
  }
  vstream_fence();
}
