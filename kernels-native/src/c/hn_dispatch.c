/*
 * The public entry points: argument checks, then a call through the kernel table of the active
 * instruction set level. The level is chosen once, from cpuid (GCC's __builtin_cpu_supports, which
 * also checks that the OS saves the vector registers), and can be lowered later for tests.
 */
#include "hn_internal.h"

#include <stdatomic.h>
#include <stddef.h>

static const hn_table *const TABLES[] = {
    &hn_table_generic,
#ifdef HN_HAVE_AVX2
    &hn_table_avx2,
#else
    NULL,
#endif
#ifdef HN_HAVE_AVX512
    &hn_table_avx512,
#else
    NULL,
#endif
#ifdef HN_HAVE_AVX512VNNI
    &hn_table_avx512vnni,
#else
    NULL,
#endif
};

static int32_t detect(void) {
  int32_t level = HN_ISA_GENERIC;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (TABLES[HN_ISA_AVX2] && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    level = HN_ISA_AVX2;
    if (TABLES[HN_ISA_AVX512] && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl")) {
      level = HN_ISA_AVX512;
      if (TABLES[HN_ISA_AVX512_VNNI] && __builtin_cpu_supports("avx512vnni")) {
        level = HN_ISA_AVX512_VNNI;
      }
    }
  }
#endif
  return level;
}

/* -1 until first use; then the supported and active levels. */
static _Atomic int32_t supported = -1;
static _Atomic int32_t active = -1;

static int32_t supported_level(void) {
  int32_t level = atomic_load(&supported);
  if (level < 0) {
    level = detect();
    atomic_store(&supported, level);
    int32_t unset = -1;
    atomic_compare_exchange_strong(&active, &unset, level);
  }
  return level;
}

static const hn_table *table(void) {
  supported_level();
  return TABLES[atomic_load(&active)];
}

int32_t hn_abi_version(void) { return HN_ABI_VERSION; }

int32_t hn_isa_supported(void) { return supported_level(); }

int32_t hn_isa_active(void) {
  supported_level();
  return atomic_load(&active);
}

int32_t hn_set_isa(int32_t level) {
  if (level < HN_ISA_GENERIC || level > supported_level() || TABLES[level] == NULL) {
    return HN_ERR_UNSUPPORTED_ISA;
  }
  atomic_store(&active, level);
  return HN_OK;
}

const char *hn_isa_name(int32_t level) {
  switch (level) {
    case HN_ISA_GENERIC: return "generic";
    case HN_ISA_AVX2: return "avx2";
    case HN_ISA_AVX512: return "avx512";
    case HN_ISA_AVX512_VNNI: return "avx512-vnni";
    default: return NULL;
  }
}

const char *hn_status_name(int32_t status) {
  switch (status) {
    case HN_OK: return "ok";
    case HN_ERR_INVALID_ARGUMENT: return "invalid argument";
    case HN_ERR_OUT_OF_MEMORY: return "out of memory";
    case HN_ERR_UNSUPPORTED_ISA: return "instruction set not supported by this CPU or build";
    case HN_ERR_UNSUPPORTED_ACTIVATION: return "activation not supported by the native epilogue";
    default: return "unknown status";
  }
}

int32_t hn_noop(int32_t x) { return x; }

/* A rows x cols row-major matrix with leading dimension ld is addressable. */
static int matrix_ok(const void *p, int64_t rows, int64_t cols, int64_t ld) {
  if (rows < 0 || cols < 0 || ld < (cols > 1 ? cols : 1)) return 0;
  return p != NULL || rows == 0 || cols == 0;
}

static int32_t sgemm_checked(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                             float alpha, const float *a, int64_t lda, const float *b,
                             int64_t ldb, float beta, float *c, int64_t ldc, const float *bias,
                             int32_t bias_rows, int32_t act, float act_alpha) {
  if (m < 0 || n < 0 || k < 0 || !matrix_ok(c, m, n, ldc) ||
      !matrix_ok(a, trans_a ? k : m, trans_a ? m : k, lda) ||
      !matrix_ok(b, trans_b ? n : k, trans_b ? k : n, ldb)) {
    return HN_ERR_INVALID_ARGUMENT;
  }
  if (act < HN_ACT_IDENTITY || act > HN_ACT_PRELU) return HN_ERR_UNSUPPORTED_ACTIVATION;
  if (m == 0 || n == 0) return HN_OK;
  return table()->sgemm(trans_a != 0, trans_b != 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                        bias, bias_rows, act, act_alpha);
}

int32_t hn_sgemm(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float *a, int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                 int64_t ldc, const float *bias, int32_t act, float act_alpha) {
  return sgemm_checked(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, 0,
                       act, act_alpha);
}

int32_t hn_sgemm_row_bias(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                          float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                          float beta, float *c, int64_t ldc, const float *bias, int32_t act,
                          float act_alpha) {
  return sgemm_checked(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, 1,
                       act, act_alpha);
}

int32_t hn_gemm_s8s8s32(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                        const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  if (m < 0 || n < 0 || k < 0 || !matrix_ok(a, m, k, lda) || !matrix_ok(b, k, n, ldb) ||
      !matrix_ok(c, m, n, ldc)) {
    return HN_ERR_INVALID_ARGUMENT;
  }
  return table()->gemm_s8(m, n, k, a, lda, b, ldb, c, ldc);
}

static int vector_ok(int64_t n, const void *p) { return n >= 0 && (p != NULL || n == 0); }

int32_t hn_relu_forward(int64_t n, const float *x, float slope, int32_t leaky, float *y) {
  if (!vector_ok(n, x) || !vector_ok(n, y)) return HN_ERR_INVALID_ARGUMENT;
  table()->relu_forward(n, x, slope, leaky != 0, y);
  return HN_OK;
}

int32_t hn_relu_backward(int64_t n, const float *x, const float *dy, float slope, float *dx) {
  if (!vector_ok(n, x) || !vector_ok(n, dy) || !vector_ok(n, dx)) return HN_ERR_INVALID_ARGUMENT;
  table()->relu_backward(n, x, dy, slope, dx);
  return HN_OK;
}

int32_t hn_activation_forward(int32_t act, int64_t n, const float *x, float *y) {
  if (!vector_ok(n, x) || !vector_ok(n, y)) return HN_ERR_INVALID_ARGUMENT;
  if (act != HN_ACT_SIGMOID && act != HN_ACT_TANH && act != HN_ACT_GELU_TANH) {
    return HN_ERR_UNSUPPORTED_ACTIVATION;
  }
  return table()->activation_forward(act, n, x, y);
}

int32_t hn_add(int64_t n, const float *a, const float *b, float *y) {
  if (!vector_ok(n, a) || !vector_ok(n, b) || !vector_ok(n, y)) return HN_ERR_INVALID_ARGUMENT;
  table()->add(n, a, b, y);
  return HN_OK;
}

int32_t hn_softmax_rows(int64_t rows, int64_t len, const float *x, float *y, int32_t log) {
  if (rows < 0 || !matrix_ok(x, rows, len, len > 1 ? len : 1) ||
      !matrix_ok(y, rows, len, len > 1 ? len : 1)) {
    return HN_ERR_INVALID_ARGUMENT;
  }
  table()->softmax_rows(rows, len, x, y, log);
  return HN_OK;
}

int32_t hn_layer_norm_forward(int64_t rows, int64_t len, const float *x, const float *gamma,
                              const float *beta, float eps, float *y, float *mean, float *rstd) {
  if (rows < 0 || len < 1 || x == NULL || y == NULL || gamma == NULL || beta == NULL ||
      !(eps >= 0.0f)) {
    return HN_ERR_INVALID_ARGUMENT;
  }
  table()->layer_norm_forward(rows, len, x, gamma, beta, eps, y, mean, rstd);
  return HN_OK;
}

int32_t hn_adam_update(int64_t n, float *param, const float *grad, float *m, float *v,
                       float *max_v, float shrink, int32_t coupled, float weight_decay,
                       float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                       float inv_root_correction2, float eps, float neg_step_size) {
  if (!vector_ok(n, param) || !vector_ok(n, grad) || !vector_ok(n, m) || !vector_ok(n, v)) {
    return HN_ERR_INVALID_ARGUMENT;
  }
  table()->adam(n, param, grad, m, v, max_v, shrink, coupled, weight_decay, beta1,
                one_minus_beta1, beta2, one_minus_beta2, inv_root_correction2, eps, neg_step_size);
  return HN_OK;
}

int32_t hn_sgd_update(int64_t n, float *param, const float *grad, float *buf, float neg_lr,
                      float momentum, float keep, int32_t decay, float weight_decay,
                      int32_t nesterov, int32_t first) {
  if (!vector_ok(n, param) || !vector_ok(n, grad)) return HN_ERR_INVALID_ARGUMENT;
  table()->sgd(n, param, grad, buf, neg_lr, momentum, keep, decay, weight_decay, nesterov, first);
  return HN_OK;
}
