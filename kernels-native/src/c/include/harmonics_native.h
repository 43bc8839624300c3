/*
 * Harmonics native CPU kernels: the C ABI that dev.harmonics.ffi.nativekernels binds through FFM.
 *
 * Conventions: every kernel returns an int32 status (HN_OK or a negative HN_ERR_*), never aborts
 * and never calls back into Java. Matrices are row-major with explicit leading dimensions (elements
 * between consecutive stored rows). Kernels are single-threaded: the Java side splits work across
 * its own thread pool and calls them on disjoint slices, so there is one scheduler in the process.
 */
#ifndef HARMONICS_NATIVE_H
#define HARMONICS_NATIVE_H

#include <stdint.h>

#define HN_API __attribute__((visibility("default")))

/* Bumped whenever a signature below changes; the Java binding refuses a library it does not
 * know. */
#define HN_ABI_VERSION 4

#define HN_OK 0
#define HN_ERR_INVALID_ARGUMENT (-1)
#define HN_ERR_OUT_OF_MEMORY (-2)
#define HN_ERR_UNSUPPORTED_ISA (-3)
#define HN_ERR_UNSUPPORTED_ACTIVATION (-4)

/* Instruction set levels, in increasing order; a CPU that has one has all below it. */
#define HN_ISA_GENERIC 0
#define HN_ISA_AVX2 1
#define HN_ISA_AVX512 2
#define HN_ISA_AVX512_VNNI 3

/*
 * Activations, numbered as dev.harmonics.kernel.Activation: the first four can be fused into the
 * GEMM epilogue, the last three run through hn_activation_forward.
 */
#define HN_ACT_IDENTITY 0
#define HN_ACT_RELU 1
#define HN_ACT_LEAKY_RELU 2
#define HN_ACT_PRELU 3
#define HN_ACT_GELU_TANH 7
#define HN_ACT_SIGMOID 8
#define HN_ACT_TANH 9

HN_API int32_t hn_abi_version(void);
/* The best level this CPU and this build support. */
HN_API int32_t hn_isa_supported(void);
/* The level kernels currently run at (the supported one unless hn_set_isa lowered it). */
HN_API int32_t hn_isa_active(void);
/* Runs kernels at a lower level (tests, benchmarks); HN_ERR_UNSUPPORTED_ISA above the supported. */
HN_API int32_t hn_set_isa(int32_t level);
/* "generic", "avx2", "avx512", "avx512-vnni"; NULL for an unknown level. */
HN_API const char *hn_isa_name(int32_t level);
/* A short English name for a status code. */
HN_API const char *hn_status_name(int32_t status);

/* Returns x: the cheapest possible downcall, for measuring the call itself. */
HN_API int32_t hn_noop(int32_t x);

/*
 * C = act(alpha * op(A) * op(B) + beta * C + bias). op(A) is m x k (A stored k x m when transA),
 * op(B) is k x n (B stored n x k when transB). beta == 0 never reads C. bias may be NULL.
 * act is HN_ACT_IDENTITY, HN_ACT_RELU, HN_ACT_LEAKY_RELU or HN_ACT_PRELU (slope act_alpha).
 */
HN_API int32_t hn_sgemm(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                        float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                        float beta, float *c, int64_t ldc, const float *bias, int32_t act,
                        float act_alpha);
/*
 * As hn_sgemm, but bias (NULL for none) has m entries, one added to every element of its row of
 * C: a convolution's bias over its output channels when C is [channels, pixels]. (ABI 4)
 */
HN_API int32_t hn_sgemm_row_bias(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n,
                                 int64_t k, float alpha, const float *a, int64_t lda,
                                 const float *b, int64_t ldb, float beta, float *c, int64_t ldc,
                                 const float *bias, int32_t act, float act_alpha);

/* C = A * B over the integers, int8 x int8 -> int32, each sum exact then saturated to int32. */
HN_API int32_t hn_gemm_s8s8s32(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                               const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc);

/*
 * ReLU, y = x > 0 ? x : +0 (NaN kept), or with leaky != 0 the leaky form x > 0 ? x : slope * x.
 * y may be x.
 */
HN_API int32_t hn_relu_forward(int64_t n, const float *x, float slope, int32_t leaky, float *y);
/* dx = dy * (x > 0 ? 1 : slope), NaN in x giving NaN. dx may alias dy or x. */
HN_API int32_t hn_relu_backward(int64_t n, const float *x, const float *dy, float slope,
                                float *dx);
/* y = a + b over n floats, IEEE single precision. y may be a or b. (ABI 2) */
HN_API int32_t hn_add(int64_t n, const float *a, const float *b, float *y);

/*
 * y = act(x) over n floats for act HN_ACT_SIGMOID, HN_ACT_TANH or HN_ACT_GELU_TANH (any other is
 * HN_ERR_UNSUPPORTED_ACTIVATION), within 1e-6 relative of the exact function (GELU-tanh 1e-5)
 * down to the smallest normal float; NaN stays NaN. y may be x. Outputs of 4 MB and more are
 * written with streaming stores. (ABI 3)
 */
HN_API int32_t hn_activation_forward(int32_t act, int64_t n, const float *x, float *y);

/* Softmax (log_softmax when log != 0) of each of `rows` contiguous rows of length `len`. */
HN_API int32_t hn_softmax_rows(int64_t rows, int64_t len, const float *x, float *y,
                                int32_t take_log);

/*
 * Layer norm over the last `len` elements of each of `rows` rows: y = (x - mean) * rstd * gamma
 * + beta, with mean and rstd = 1 / sqrt(var + eps) written per row (either may be NULL), gamma and
 * beta of length len (either may be NULL for 1 and 0).
 */
HN_API int32_t hn_layer_norm_forward(int64_t rows, int64_t len, const float *x, const float *gamma,
                                     const float *beta, float eps, float *y, float *mean,
                                     float *rstd);

/*
 * One fused Adam / AdamW / AMSGrad step over n parameters, in place, with the Java SIMD kernel's
 * float operations: p *= shrink (1 - lr * wd for AdamW, else 1); if coupled, g = fma(p, wd, g);
 * m = fma(m, beta1, g * (1 - beta1)); v = fma(v, beta2, g * (1 - beta2) * g); with AMSGrad
 * (max_v != NULL) v = max_v = max(max_v, v); p = fma(m / fma(sqrt(v), inv_root_correction2, eps),
 * neg_step_size, p). The caller folds the bias corrections into the last two scalars.
 */
HN_API int32_t hn_adam_update(int64_t n, float *param, const float *grad, float *m, float *v,
                              float *max_v, float shrink, int32_t coupled, float weight_decay,
                              float beta1, float one_minus_beta1, float beta2,
                              float one_minus_beta2, float inv_root_correction2, float eps,
                              float neg_step_size);

/*
 * One SGD step in place: if decay, g = fma(p, wd, g); with a momentum buffer, buf = first ? g :
 * fma(buf, momentum, g * keep) (keep = 1 - dampening) and g = nesterov ? fma(buf, momentum, g) :
 * buf; then p = fma(g, neg_lr, p). buf is NULL without momentum.
 */
HN_API int32_t hn_sgd_update(int64_t n, float *param, const float *grad, float *buf, float neg_lr,
                             float momentum, float keep, int32_t decay, float weight_decay,
                             int32_t nesterov, int32_t first);

#endif
