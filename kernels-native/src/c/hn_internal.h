/* What the per-ISA kernel objects export to the dispatcher. Not part of the public ABI. */
#ifndef HN_INTERNAL_H
#define HN_INTERNAL_H

#include "harmonics_native.h"

typedef struct hn_table {
  int32_t (*sgemm)(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                int64_t ldc, const float *bias, int32_t bias_rows, int32_t act,
                float act_alpha);
  int32_t (*gemm_s8)(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                     const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc);
  void (*relu_forward)(int64_t n, const float *x, float slope, int32_t leaky, float *y);
  void (*relu_backward)(int64_t n, const float *x, const float *dy, float slope, float *dx);
  int32_t (*activation_forward)(int32_t act, int64_t n, const float *x, float *y);
  void (*add)(int64_t n, const float *a, const float *b, float *y);
  void (*softmax_rows)(int64_t rows, int64_t len, const float *x, float *y, int32_t take_log);
  void (*layer_norm_forward)(int64_t rows, int64_t len, const float *x, const float *gamma,
                             const float *beta, float eps, float *y, float *mean, float *rstd);
  void (*adam)(int64_t n, float *param, const float *grad, float *m, float *v, float *max_v,
               float shrink, int32_t coupled, float weight_decay, float beta1,
               float one_minus_beta1, float beta2, float one_minus_beta2,
               float inv_root_correction2, float eps, float neg_step_size);
  void (*sgd)(int64_t n, float *param, const float *grad, float *buf, float neg_lr,
              float momentum, float keep, int32_t decay, float weight_decay, int32_t nesterov,
              int32_t first);
} hn_table;

extern const hn_table hn_table_generic;
#ifdef HN_HAVE_AVX2
extern const hn_table hn_table_avx2;
#endif
#ifdef HN_HAVE_AVX512
extern const hn_table hn_table_avx512;
#endif
#ifdef HN_HAVE_AVX512VNNI
extern const hn_table hn_table_avx512vnni;
#endif

#endif
