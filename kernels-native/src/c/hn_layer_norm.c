/*
 * Layer norm forward over contiguous rows. The mean is taken around the row's first element (a
 * pivot) so a large common offset does not cancel the small deviations, and the biased variance
 * is a second pass over (x - mean)^2, as the Java kernels do.
 */
#include "hn_isa.h"

#include <math.h>

/* sum(x - shift) or sum((x - shift)^2); built with -fassociative-math so the sums vectorise. */
static float sum_shifted(const float *x, int64_t n, float shift, int squared) {
  float sum = 0.0f;
  if (squared) {
    for (int64_t i = 0; i < n; i++) sum += (x[i] - shift) * (x[i] - shift);
  } else {
    for (int64_t i = 0; i < n; i++) sum += x[i] - shift;
  }
  return sum;
}

void HN_FN(hn_layer_norm_forward_impl)(int64_t rows, int64_t len, const float *x,
                                       const float *gamma, const float *beta, float eps, float *y,
                                       float *mean, float *rstd) {
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    float *yr = y + r * len;
    float pivot = xr[0];
    float mu = pivot + sum_shifted(xr, len, pivot, 0) / (float)len;
    float var = sum_shifted(xr, len, mu, 1) / (float)len;
    float rs = (float)(1.0 / sqrt((double)var + eps));
    for (int64_t i = 0; i < len; i++) yr[i] = (xr[i] - mu) * rs * gamma[i] + beta[i];
    if (mean != NULL) mean[r] = mu;
    if (rstd != NULL) rstd[r] = rs;
  }
}
