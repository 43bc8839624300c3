/*
 * Row softmax and log-softmax. The exponential is our own branch-free polynomial so the loops
 * vectorise at every ISA level (libm's expf would be a call per element). It is only ever applied
 * to x - max(row) <= 0, so its domain is (-inf, 0]: below -87.3 the result is below the smallest
 * normal float and is flushed to 0, which the softmax tolerance (1e-9 absolute) allows.
 *
 * Rows holding NaN or +inf, or only -inf, come out all NaN, as in PyTorch (there x - max is NaN
 * and poisons the sum); they are detected up front so the exponential only sees finite input.
 */
#include "hn_isa.h"

#include <math.h>
#include <string.h>

/* Sums are taken in float over blocks of this many elements and the blocks added in double. */
#define BLOCK 1024

/*
 * exp(x) for 16 finite x <= 0 at once (callers route NaN and infinite maxima around it), in GCC
 * vector extensions: each ISA build lowers them to its own registers (one zmm, two ymm or four
 * xmm). n = round(x / ln 2) comes from a truncating conversion of x / ln 2 - 0.5, which rounds
 * non-positive values; below -87.3 the result is flushed to 0.
 */
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
#define VL 16

static inline v16f exp_nonpositive(v16f x) {
  const v16f lowest = (v16f){0} - 87.3f;
  v16i below = x < lowest;
  v16f clamped = (v16f)(((v16i)x & ~below) | ((v16i)lowest & below));
  v16i n = __builtin_convertvector(clamped * 1.44269504088896341f - 0.5f, v16i);
  v16f nf = __builtin_convertvector(n, v16f);
  v16f r = (clamped - nf * 0.693145751953125f) - nf * 1.42860682030941723e-6f;
  /* Taylor series to degree 7: on |r| <= ln2 / 2 the truncation error is below 1e-8. */
  v16f p = r * 1.98412698e-4f + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 1.66666667e-1f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  v16f scale = (v16f)((n + 127) << 23);
  return (v16f)((v16i)(p * scale) & ~below);
}

static inline v16f load16(const float *x) {
  v16f v;
  memcpy(&v, x, sizeof(v));
  return v;
}

static inline float lane_sum(v16f v) {
  float sum = 0.0f;
  for (int l = 0; l < VL; l++) sum += v[l];
  return sum;
}

/*
 * The row maximum, as the largest float in the integer order that maps floats to int32 so that
 * integer comparison agrees with float comparison (a max reduction over floats does not vectorise
 * without -ffinite-math-only). Its value is meaningless when the row holds NaN; the caller checks.
 */
static float row_max(const float *x, int64_t len) {
  int32_t best = INT32_MIN;
  for (int64_t i = 0; i < len; i++) {
    int32_t bits;
    memcpy(&bits, x + i, sizeof(bits));
    int32_t ordered = bits ^ ((bits >> 31) & INT32_MAX);
    best = ordered > best ? ordered : best;
  }
  int32_t bits = best ^ ((best >> 31) & INT32_MAX);
  float max;
  memcpy(&max, &bits, sizeof(max));
  return max;
}

static int row_has_nan(const float *x, int64_t len) {
  int any = 0;
  for (int64_t i = 0; i < len; i++) any |= x[i] != x[i];
  return any;
}

/* sum(exp(x - max)) over n elements, storing each exponential in y unless y is NULL. */
static float exp_sum(const float *x, float *y, int64_t n, float max) {
  v16f acc = {0};
  int64_t i = 0;
  for (; i + VL <= n; i += VL) {
    v16f e = exp_nonpositive(load16(x + i) - max);
    if (y != NULL) memcpy(y + i, &e, sizeof(e));
    acc += e;
  }
  if (i < n) {
    /* The tail padded with the row maximum's own value: exp(0) = 1 each, taken off below. */
    float tail[VL];
    for (int l = 0; l < VL; l++) tail[l] = i + l < n ? x[i + l] : max;
    v16f e = exp_nonpositive(load16(tail) - max);
    if (y != NULL) memcpy(y + i, &e, sizeof(float) * (size_t)(n - i));
    acc += e;
    acc[0] -= (float)(VL - (n - i));
  }
  return lane_sum(acc);
}

void HN_FN(hn_softmax_rows_impl)(int64_t rows, int64_t len, const float *x, float *y,
                                 int32_t take_log) {
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    float *yr = y + r * len;
    float max = row_max(xr, len);
    if (row_has_nan(xr, len) || max == INFINITY || max == -INFINITY) {
      for (int64_t i = 0; i < len; i++) yr[i] = NAN;
      continue;
    }
    double total = 0.0;
    for (int64_t from = 0; from < len; from += BLOCK) {
      int64_t to = len - from < BLOCK ? len : from + BLOCK;
      total += exp_sum(xr + from, take_log ? NULL : yr + from, to - from, max);
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
