/*
 * Row softmax and log-softmax. The exponential is our own branch-free polynomial so the loops
 * vectorise at every ISA level (libm's expf would be a call per element). It is only ever applied
 * to x - max(row) <= 0, so its domain is (-inf, 0]: below -87.3 the result is below the smallest
 * normal float and is flushed to 0, which the softmax tolerance (1e-9 absolute) allows.
 *
 * Rows holding NaN or +inf, or only -inf, come out NaN, as in PyTorch: the max ignores NaN, but
 * x - max is then NaN (NaN, inf - inf, -inf + inf) and poisons the sum.
 */
#include "hn_isa.h"

#include <math.h>
#include <string.h>

/* Sums are taken in float over blocks of this many elements and the blocks added in double. */
#define BLOCK 1024
/* Independent partial results: the compiler keeps them in vector lanes without reassociating. */
#define LANES 16

static inline float exp_nonpositive(float x) {
  const float log2e = 1.44269504088896341f;
  const float ln2_hi = 0.693145751953125f;
  const float ln2_lo = 1.42860682030941723e-6f;
  const float round_magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
  float clamped = x < -87.3f ? -87.3f : x;
  float t = clamped * log2e + round_magic;
  float nf = t - round_magic;
  float r = clamped - nf * ln2_hi;
  r = r - nf * ln2_lo;
  /* Taylor series to degree 7: on |r| <= ln2 / 2 the truncation error is below 1e-8. */
  float p = 1.98412698e-4f;
  p = p * r + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 1.66666667e-1f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t n = (int32_t)nf;
  int32_t bits = (n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof(scale));
  float e = p * scale;
  return x < -87.3f ? 0.0f : e;
}

/* The row maximum ignoring NaN, and whether the row holds a NaN. */
static float row_max(const float *x, int64_t len, int *has_nan) {
  float m[LANES];
  int32_t nan[LANES];
  for (int l = 0; l < LANES; l++) {
    m[l] = -INFINITY;
    nan[l] = 0;
  }
  int64_t i = 0;
  for (; i + LANES <= len; i += LANES) {
    for (int l = 0; l < LANES; l++) {
      float v = x[i + l];
      m[l] = v > m[l] ? v : m[l];
      nan[l] |= v != v;
    }
  }
  for (; i < len; i++) {
    m[0] = x[i] > m[0] ? x[i] : m[0];
    nan[0] |= x[i] != x[i];
  }
  float best = m[0];
  int any = nan[0];
  for (int l = 1; l < LANES; l++) {
    best = m[l] > best ? m[l] : best;
    any |= nan[l];
  }
  *has_nan = any;
  return best;
}

/* sum(exp(x - max)) over n elements, storing each exponential in y when y != NULL. */
static float exp_block(const float *x, float *y, int64_t n, float max) {
  float acc[LANES] = {0};
  int64_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    for (int l = 0; l < LANES; l++) {
      float e = exp_nonpositive(x[i + l] - max);
      if (y != NULL) y[i + l] = e;
      acc[l] += e;
    }
  }
  for (; i < n; i++) {
    float e = exp_nonpositive(x[i] - max);
    if (y != NULL) y[i] = e;
    acc[0] += e;
  }
  float sum = 0.0f;
  for (int l = 0; l < LANES; l++) sum += acc[l];
  return sum;
}

void HN_FN(hn_softmax_rows_impl)(int64_t rows, int64_t len, const float *x, float *y,
                                 int32_t take_log) {
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    float *yr = y + r * len;
    int has_nan;
    float max = row_max(xr, len, &has_nan);
    if (has_nan || max == INFINITY || max == -INFINITY) {
      for (int64_t i = 0; i < len; i++) yr[i] = NAN;
      continue;
    }
    double total = 0.0;
    for (int64_t from = 0; from < len; from += BLOCK) {
      int64_t to = len - from < BLOCK ? len : from + BLOCK;
      total += exp_block(xr + from, take_log ? NULL : yr + from, to - from, max);
    }
    if (take_log) {
      float log_sum = (float)log(total);
      for (int64_t i = 0; i < len; i++) yr[i] = (xr[i] - max) - log_sum;
    } else {
      float inv = (float)(1.0 / total);
      for (int64_t i = 0; i < len; i++) yr[i] *= inv;
    }
  }
}
