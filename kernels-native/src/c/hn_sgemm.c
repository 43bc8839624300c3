/*
 * SGEMM: packed panels and a register-tile micro-kernel (the classic three-level blocking).
 *
 * op(B) is packed per KC x NC block into NR-wide column strips, op(A) per MC x KC block into
 * MR-tall row strips with alpha folded in, so the micro-kernel reads both with unit stride. Edge
 * strips are zero-padded; the micro-kernel then computes a full MR x NR tile and only the valid
 * part is added to C. beta == 0 has the first K block store its tiles into C instead of adding
 * them (no pass of zeros first, C never read); any other beta scales C once before the product.
 * The bias and activation run over each MC x NC block right after its last K block, while it is
 * still in cache; a bias per row (hn_sgemm_row_bias) with beta == 0 is added as the first K
 * block's tiles are stored instead, so C is written once and never read.
 */
#include "hn_isa.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX512F__)
#define MR 12
#define NR 32
#elif defined(__AVX2__)
#define MR 6
#define NR 16
#else
#define MR 4
#define NR 8
#endif

/* Block sizes; -DKC=... / -DMC=... override them when tuning for another cache hierarchy. */
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC (MR * 8)
#endif
#define NC 1024

/*
 * Scratch for packed panels, one pair per thread, kept across calls (a GEMM per layer per step
 * would otherwise allocate a megabyte each time) and freed when the thread exits.
 */
typedef struct scratch {
  float *a;
  float *b;
} scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p) {
  scratch *s = p;
  free(s->a);
  free(s->b);
  free(s);
}

static void make_scratch_key(void) { pthread_key_create(&scratch_key, free_scratch); }

static scratch *thread_scratch(void) {
  pthread_once(&scratch_once, make_scratch_key);
  scratch *s = pthread_getspecific(scratch_key);
  if (s != NULL) return s;
  s = malloc(sizeof(scratch));
  if (s == NULL) return NULL;
  s->a = aligned_alloc(64, sizeof(float) * MC * KC);
  s->b = aligned_alloc(64, sizeof(float) * KC * NC);
  if (s->a == NULL || s->b == NULL || pthread_setspecific(scratch_key, s) != 0) {
    free_scratch(s);
    return NULL;
  }
  return s;
}

static void pack_a(int32_t trans, const float *a, int64_t lda, int64_t i0, int64_t mc, int64_t p0,
                   int64_t kc, float alpha, float *dst) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    int64_t rows = mc - ir < MR ? mc - ir : MR;
    for (int64_t p = 0; p < kc; p++) {
      float *out = dst + p * MR;
      int64_t r = 0;
      if (trans) {
        const float *src = a + (p0 + p) * lda + i0 + ir;
        for (; r < rows; r++) out[r] = alpha * src[r];
      } else {
        const float *src = a + (i0 + ir) * lda + p0 + p;
        for (; r < rows; r++) out[r] = alpha * src[r * lda];
      }
      for (; r < MR; r++) out[r] = 0.0f;
    }
    dst += MR * kc;
  }
}

static void pack_b(int32_t trans, const float *b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0,
                   int64_t nc, float *dst) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    int64_t cols = nc - jr < NR ? nc - jr : NR;
    for (int64_t p = 0; p < kc; p++) {
      float *out = dst + p * NR;
      int64_t j = 0;
      if (trans) {
        const float *src = b + (j0 + jr) * ldb + p0 + p;
        for (; j < cols; j++) out[j] = src[j * ldb];
      } else {
        const float *src = b + (p0 + p) * ldb + j0 + jr;
        for (; j < cols; j++) out[j] = src[j];
      }
      for (; j < NR; j++) out[j] = 0.0f;
    }
    dst += NR * kc;
  }
}

/*
 * acc (MR x NR, row-major) is added to the rows x cols corner of C, or with store written over it
 * plus row_bias[r] on row r (row_bias may be NULL).
 */
static inline void add_tile(const float *acc, float *c, int64_t ldc, int64_t rows, int64_t cols,
                            int store, const float *row_bias) {
  for (int64_t r = 0; r < rows; r++) {
    if (store) {
      float shift = row_bias != NULL ? row_bias[r] : 0.0f;
      for (int64_t j = 0; j < cols; j++) c[r * ldc + j] = acc[r * NR + j] + shift;
    } else {
      for (int64_t j = 0; j < cols; j++) c[r * ldc + j] += acc[r * NR + j];
    }
  }
}

/*
 * Asks for the C tile's lines before the K loop, so that they arrive while the tile is computed:
 * C is re-read for every K block, and at 2048^3 (16 MB of C, from memory) waiting for it cost a
 * tenth of the time (hn_bench and GemmRounds: 0.83-0.89x OpenBLAS without, 0.96x with).
 */
static inline void prefetch_tile(const float *c, int64_t ldc, int64_t rows) {
  for (int64_t r = 0; r < rows; r++) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + NR - 1, 1, 3);
  }
}

#if defined(__AVX512F__)

static void micro_kernel(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc,
                         int64_t rows, int64_t cols, int store, const float *row_bias) {
  __m512 c0[MR], c1[MR];
  prefetch_tile(c, ldc, rows);
#pragma GCC unroll 12
  for (int r = 0; r < MR; r++) {
    c0[r] = _mm512_setzero_ps();
    c1[r] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    __m512 b0 = _mm512_load_ps(bp);
    __m512 b1 = _mm512_load_ps(bp + 16);
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      __m512 av = _mm512_set1_ps(ap[r]);
      c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
    }
    ap += MR;
    bp += NR;
  }
  if (rows == MR && cols == NR) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; r++) {
      float *row = c + r * ldc;
      if (store) {
        __m512 shift = _mm512_set1_ps(row_bias != NULL ? row_bias[r] : 0.0f);
        _mm512_storeu_ps(row, _mm512_add_ps(c0[r], shift));
        _mm512_storeu_ps(row + 16, _mm512_add_ps(c1[r], shift));
      } else {
        _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), c0[r]));
        _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), c1[r]));
      }
    }
    return;
  }
  float acc[MR * NR] __attribute__((aligned(64)));
  for (int r = 0; r < MR; r++) {
    _mm512_store_ps(acc + r * NR, c0[r]);
    _mm512_store_ps(acc + r * NR + 16, c1[r]);
  }
  add_tile(acc, c, ldc, rows, cols, store, row_bias);
}

#elif defined(__AVX2__)

static void micro_kernel(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc,
                         int64_t rows, int64_t cols, int store, const float *row_bias) {
  __m256 c0[MR], c1[MR];
  prefetch_tile(c, ldc, rows);
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) {
    c0[r] = _mm256_setzero_ps();
    c1[r] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(bp);
    __m256 b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      __m256 av = _mm256_broadcast_ss(ap + r);
      c0[r] = _mm256_fmadd_ps(av, b0, c0[r]);
      c1[r] = _mm256_fmadd_ps(av, b1, c1[r]);
    }
    ap += MR;
    bp += NR;
  }
  if (rows == MR && cols == NR) {
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      float *row = c + r * ldc;
      if (store) {
        __m256 shift = _mm256_set1_ps(row_bias != NULL ? row_bias[r] : 0.0f);
        _mm256_storeu_ps(row, _mm256_add_ps(c0[r], shift));
        _mm256_storeu_ps(row + 8, _mm256_add_ps(c1[r], shift));
      } else {
        _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), c0[r]));
        _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), c1[r]));
      }
    }
    return;
  }
  float acc[MR * NR] __attribute__((aligned(32)));
  for (int r = 0; r < MR; r++) {
    _mm256_store_ps(acc + r * NR, c0[r]);
    _mm256_store_ps(acc + r * NR + 8, c1[r]);
  }
  add_tile(acc, c, ldc, rows, cols, store, row_bias);
}

#else

/* Portable: plain loops the compiler vectorises for whatever the baseline target offers. */
static void micro_kernel(int64_t kc, const float *ap, const float *bp, float *c, int64_t ldc,
                         int64_t rows, int64_t cols, int store, const float *row_bias) {
  float acc[MR * NR];
  memset(acc, 0, sizeof(acc));
  prefetch_tile(c, ldc, rows);
  for (int64_t p = 0; p < kc; p++) {
    for (int r = 0; r < MR; r++) {
      float av = ap[r];
      for (int j = 0; j < NR; j++) acc[r * NR + j] += av * bp[j];
    }
    ap += MR;
    bp += NR;
  }
  add_tile(acc, c, ldc, rows, cols, store, row_bias);
}

#endif

static void scale_c(int64_t m, int64_t n, float beta, float *c, int64_t ldc) {
  if (beta == 1.0f) return;
  for (int64_t i = 0; i < m; i++) {
    float *row = c + i * ldc;
    if (beta == 0.0f) {
      memset(row, 0, sizeof(float) * (size_t)n);
    } else {
      for (int64_t j = 0; j < n; j++) row[j] *= beta;
    }
  }
}

/*
 * Bias (per column, and per row where the stores did not add it) then activation over a block of
 * C. NaN stays NaN: comparisons with NaN are false.
 */
static void epilogue(int64_t rows, int64_t cols, float *c, int64_t ldc, const float *bias,
                     const float *row_bias, int32_t act, float slope) {
  for (int64_t i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    if (bias != NULL) {
      for (int64_t j = 0; j < cols; j++) row[j] += bias[j];
    }
    if (row_bias != NULL) {
      for (int64_t j = 0; j < cols; j++) row[j] += row_bias[i];
    }
    if (act == HN_ACT_RELU) {
      for (int64_t j = 0; j < cols; j++) {
        float v = row[j];
        row[j] = (v > 0.0f || v != v) ? v : 0.0f;
      }
    } else if (act == HN_ACT_LEAKY_RELU || act == HN_ACT_PRELU) {
      for (int64_t j = 0; j < cols; j++) {
        float v = row[j];
        row[j] = v > 0.0f ? v : slope * v;
      }
    }
  }
}

int32_t HN_FN(hn_sgemm_impl)(int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                             float alpha, const float *a, int64_t lda, const float *b,
                             int64_t ldb, float beta, float *c, int64_t ldc, const float *bias,
                             int32_t bias_rows, int32_t act, float act_alpha) {
  int product = alpha != 0.0f && k > 0;
  scratch *s = product ? thread_scratch() : NULL;
  if (product && s == NULL) return HN_ERR_OUT_OF_MEMORY;
  const float *col_bias = bias_rows ? NULL : bias;
  const float *row_bias = bias_rows ? bias : NULL;
  /* With beta == 0 and a product, the first K block writes every element of C. */
  int store_first = product && beta == 0.0f;
  if (!store_first) scale_c(m, n, beta, c, ldc);
  const float *stored_row_bias = store_first ? row_bias : NULL;
  const float *late_row_bias = store_first ? NULL : row_bias;
  for (int64_t jc = 0; jc < n; jc += NC) {
    int64_t nc = n - jc < NC ? n - jc : NC;
    if (!product) {
      epilogue(m, nc, c + jc, ldc, col_bias ? col_bias + jc : NULL, late_row_bias, act,
               act_alpha);
      continue;
    }
    for (int64_t pc = 0; pc < k; pc += KC) {
      int64_t kc = k - pc < KC ? k - pc : KC;
      int last = pc + kc == k;
      pack_b(trans_b, b, ldb, pc, kc, jc, nc, s->b);
      for (int64_t ic = 0; ic < m; ic += MC) {
        int64_t mc = m - ic < MC ? m - ic : MC;
        pack_a(trans_a, a, lda, ic, mc, pc, kc, alpha, s->a);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int64_t cols = nc - jr < NR ? nc - jr : NR;
          const float *bp = s->b + jr * kc;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int64_t rows = mc - ir < MR ? mc - ir : MR;
            micro_kernel(kc, s->a + ir * kc, bp, c + (ic + ir) * ldc + jc + jr, ldc, rows,
                         cols, store_first && pc == 0,
                         stored_row_bias ? stored_row_bias + ic + ir : NULL);
          }
        }
        if (last) {
          epilogue(mc, nc, c + ic * ldc + jc, ldc, col_bias ? col_bias + jc : NULL,
                   late_row_bias ? late_row_bias + ic : NULL, act, act_alpha);
        }
      }
    }
  }
  return HN_OK;
}
