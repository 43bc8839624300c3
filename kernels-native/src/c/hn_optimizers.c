/*
 * Fused Adam and SGD steps: each parameter's state is read and written once. The float operations
 * (and their fma contractions) are exactly those of the Java SIMD kernels, so results agree with
 * them bit for bit. CMake compiles this file with -ffp-contract=off so the compiler adds no fma
 * of its own.
 *
 * Each step walks the arrays in spans, and before a span prefetches every line of the span
 * HN_PREFETCH_AHEAD floats further on (for writing where the step writes). Without it SGD over
 * 64 MB tensors ran at 0.67-0.85 of the copy bandwidth on two cores, with it 0.96-1.08: three or
 * five streams per core are more than the hardware prefetcher keeps far enough ahead. The span
 * loops stay plain loops that the compiler vectorises.
 */
#include "hn_vec.h"

#include <float.h>
#include <math.h>

static inline float max_nan(float a, float b) {
  float m = a > b ? a : b;
  m = a != a ? a : m;
  return b != b ? b : m;
}

/*
 * State below the smallest normal float, as 0, as the Java kernels store it: a parameter whose
 * gradient stays 0 would have its moments subnormal within a few hundred steps, and every step on
 * them would then cost microcode assists (SGD with momentum measured 7.5 times slower).
 */
static inline float flushed(float state) { return fabsf(state) < FLT_MIN ? 0.0f : state; }

/* Floats per span: 2 KB of each array. */
#define SPAN 512

/* Prefetches the lines of [from, to) of a, if a is not NULL; for writing when write is set. */
static inline __attribute__((always_inline)) void prefetch_span(const float *a, int64_t from,
                                                                int64_t to, int write) {
  if (a == NULL) return;
  for (int64_t i = from; i < to; i += 64 / sizeof(float)) {
    if (write) {
      __builtin_prefetch(a + i, 1, 3);
    } else {
      __builtin_prefetch(a + i, 0, 3);
    }
  }
}

/* The end of the span HN_PREFETCH_AHEAD floats past [from, to), cut at n. */
static inline int64_t ahead_end(int64_t to, int64_t n) {
  return to + HN_PREFETCH_AHEAD < n ? to + HN_PREFETCH_AHEAD : n;
}

static inline __attribute__((always_inline)) void adam_span(
    int64_t from, int64_t to, float *param, const float *grad, float *m, float *v, float *max_v,
    float shrink, int32_t coupled, float weight_decay, float beta1, float one_minus_beta1,
    float beta2, float one_minus_beta2, float inv_root_correction2, float eps,
    float neg_step_size) {
  for (int64_t i = from; i < to; i++) {
    float p = param[i] * shrink;
    float g = grad[i];
    if (coupled) g = fmaf(p, weight_decay, g);
    float mi = flushed(fmaf(m[i], beta1, g * one_minus_beta1));
    float vi = flushed(fmaf(v[i], beta2, g * one_minus_beta2 * g));
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

void HN_FN(hn_adam_impl)(int64_t n, float *param, const float *grad, float *m, float *v,
                         float *max_v, float shrink, int32_t coupled, float weight_decay,
                         float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                         float inv_root_correction2, float eps, float neg_step_size) {
  for (int64_t from = 0; from < n; from += SPAN) {
    int64_t to = n - from < SPAN ? n : from + SPAN;
    int64_t ahead = from + HN_PREFETCH_AHEAD, ahead_to = ahead_end(to, n);
    prefetch_span(param, ahead, ahead_to, 1);
    prefetch_span(grad, ahead, ahead_to, 0);
    prefetch_span(m, ahead, ahead_to, 1);
    prefetch_span(v, ahead, ahead_to, 1);
    prefetch_span(max_v, ahead, ahead_to, 1);
    adam_span(from, to, param, grad, m, v, max_v, shrink, coupled, weight_decay, beta1,
              one_minus_beta1, beta2, one_minus_beta2, inv_root_correction2, eps, neg_step_size);
  }
}

static inline __attribute__((always_inline)) void sgd_span(
    int64_t from, int64_t to, float *param, const float *grad, float *buf, float neg_lr,
    float momentum, float keep, int32_t decay, float weight_decay, int32_t nesterov,
    int32_t first) {
  for (int64_t i = from; i < to; i++) {
    float p = param[i];
    float g = grad[i];
    if (decay) g = fmaf(p, weight_decay, g);
    if (buf != NULL) {
      float b = flushed(first ? g : fmaf(buf[i], momentum, g * keep));
      buf[i] = b;
      g = nesterov ? fmaf(b, momentum, g) : b;
    }
    param[i] = fmaf(g, neg_lr, p);
  }
}

void HN_FN(hn_sgd_impl)(int64_t n, float *param, const float *grad, float *buf, float neg_lr,
                        float momentum, float keep, int32_t decay, float weight_decay,
                        int32_t nesterov, int32_t first) {
  for (int64_t from = 0; from < n; from += SPAN) {
    int64_t to = n - from < SPAN ? n : from + SPAN;
    int64_t ahead = from + HN_PREFETCH_AHEAD, ahead_to = ahead_end(to, n);
    prefetch_span(param, ahead, ahead_to, 1);
    prefetch_span(grad, ahead, ahead_to, 0);
    prefetch_span(buf, ahead, ahead_to, 1);
    sgd_span(from, to, param, grad, buf, neg_lr, momentum, keep, decay, weight_decay, nesterov,
             first);
  }
}
