/*
 * ReLU and leaky ReLU, forward and backward. Plain loops: compiled per ISA, the compiler turns
 * them into masked-blend vector code of that ISA's width. NaN propagates because every comparison
 * with NaN is false and the NaN operand is the one kept.
 */
#include "hn_isa.h"

void HN_FN(hn_relu_forward_impl)(int64_t n, const float *x, float slope, int32_t leaky, float *y) {
  if (leaky) {
    for (int64_t i = 0; i < n; i++) {
      float v = x[i];
      y[i] = v > 0.0f ? v : slope * v;
    }
  } else {
    /* -0 and negatives give +0, as the reference's max(x, 0) in double does. */
    for (int64_t i = 0; i < n; i++) {
      float v = x[i];
      y[i] = (v > 0.0f || v != v) ? v : 0.0f;
    }
  }
}

void HN_FN(hn_relu_backward_impl)(int64_t n, const float *x, const float *dy, float slope,
                                  float *dx) {
  for (int64_t i = 0; i < n; i++) {
    float v = x[i];
    float d = v > 0.0f ? 1.0f : slope;
    d = v != v ? v : d;
    dx[i] = dy[i] * d;
  }
}
