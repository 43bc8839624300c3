/*
 * Included by every per-ISA source. CMake compiles those sources once per instruction set level
 * with that level's -m flags and -DHN_ISA=<level>; HN_FN gives each copy its own symbol names, and
 * the compiler's own macros (__AVX512F__, __AVX2__, ...) select the hand-written intrinsics.
 */
#ifndef HN_ISA_H
#define HN_ISA_H

#include "hn_internal.h"

#include <stddef.h>
#include <stdint.h>

#ifndef HN_ISA
#error "compile per-ISA sources with -DHN_ISA=<level>"
#endif

#define HN_CAT2(a, b) a##_##b
#define HN_CAT(a, b) HN_CAT2(a, b)
#define HN_FN(name) HN_CAT(name, HN_ISA)
#define HN_HIDDEN __attribute__((visibility("hidden")))

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

/* Per-ISA functions shared between the per-ISA sources. */
HN_HIDDEN int32_t HN_FN(hn_sgemm_impl)(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n,
                                    int64_t k, float alpha, const float *a, int64_t lda,
                                    const float *b, int64_t ldb, float beta, float *c, int64_t ldc,
                                    const float *bias, int32_t bias_rows, int32_t act,
                                    float act_alpha);
HN_HIDDEN int32_t HN_FN(hn_gemm_s8_impl)(int64_t m, int64_t n, int64_t k, const int8_t *a,
                                         int64_t lda, const int8_t *b, int64_t ldb, int32_t *c,
                                         int64_t ldc);
HN_HIDDEN void HN_FN(hn_relu_forward_impl)(int64_t n, const float *x, float slope, int32_t leaky,
                                           float *y);
HN_HIDDEN void HN_FN(hn_relu_backward_impl)(int64_t n, const float *x, const float *dy,
                                            float slope, float *dx);
HN_HIDDEN int32_t HN_FN(hn_activation_forward_impl)(int32_t act, int64_t n, const float *x,
                                                    float *y);
HN_HIDDEN void HN_FN(hn_add_impl)(int64_t n, const float *a, const float *b, float *y);
HN_HIDDEN void HN_FN(hn_softmax_rows_impl)(int64_t rows, int64_t len, const float *x, float *y,
                                           int32_t take_log);
HN_HIDDEN void HN_FN(hn_layer_norm_forward_impl)(int64_t rows, int64_t len, const float *x,
                                                 const float *gamma, const float *beta, float eps,
                                                 float *y, float *mean, float *rstd);
HN_HIDDEN void HN_FN(hn_adam_impl)(int64_t n, float *param, const float *grad, float *m, float *v,
                                   float *max_v, float shrink, int32_t coupled,
                                   float weight_decay, float beta1, float one_minus_beta1,
                                   float beta2, float one_minus_beta2, float inv_root_correction2,
                                   float eps, float neg_step_size);
HN_HIDDEN void HN_FN(hn_sgd_impl)(int64_t n, float *param, const float *grad, float *buf,
                                  float neg_lr, float momentum, float keep, int32_t decay,
                                  float weight_decay, int32_t nesterov, int32_t first);

#endif
