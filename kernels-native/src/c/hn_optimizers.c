/*
 * Fused Adam and SGD steps: each parameter's state is read and written once. The float operations
 * (and their fma contractions) are exactly those of the Java SIMD kernels, so results agree with
 * them bit for bit. CMake compiles this file with -ffp-contract=off so the compiler adds no fma
 * of its own.
 */
#include "hn_isa.h"

#include <math.h>

static inline float max_nan(float a, float b) {
  float m = a > b ? a : b;
  m = a != a ? a : m;
  return b != b ? b : m;
}

void HN_FN(hn_adam_impl)(int64_t n, float *param, const float *grad, float *m, float *v,
                         float *max_v, float shrink, int32_t coupled, float weight_decay,
                         float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float inv_root_correction2, float eps, float neg_step_size) {
  for (int64_t i = 0; i < n; i++) {
    float p = param[i] * shrink;
    float g = grad[i];
    if (coupled) g = fmaf(p, weight_decay, g);
    float mi = fmaf(m[i], beta1, g * one_minus_beta1);
    float vi = fmaf(v[i], beta2, g * one_minus_beta2 * g);
    m[i] = mi;
    v[i] = vi;
    if (max_v != NULL) {
      vi = max_nan(max_v[i], vi);
      max_v[i] = vi;
    }
    float denominator = fmaf(sqrtf(vi), inv_root_correction2, eps);
    param[i] = fmaf(mi / denominator, neg_step_size, p);
  }
}

void HN_FN(hn_sgd_impl)(int64_t n, float *param, const float *grad, float *buf, float neg_lr,
                        float momentum, float keep, int32_t decay, float weight_decay,
                        int32_t nesterov, int32_t first) {
  for (int64_t i = 0; i < n; i++) {
    float p = param[i];
    float g = grad[i];
    if (decay) g = fmaf(p, weight_decay, g);
    if (buf != NULL) {
      float b = first ? g : fmaf(buf[i], momentum, g * keep);
      buf[i] = b;
      g = nesterov ? fmaf(b, momentum, g) : b;
    }
    param[i] = fmaf(g, neg_lr, p);
  }
}
