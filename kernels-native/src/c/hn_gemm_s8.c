/*
 * int8 x int8 -> int32 GEMM, exact, with sums saturated to the int32 range.
 *
 * Up to EXACT_K products a 32-bit accumulator cannot overflow (even the biased VNNI sums below),
 * so the fast paths accumulate in int32. Longer sums take the portable path in int64 and saturate.
 *
 * AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes, four at a time. A is made unsigned
 * by adding 128 (xor 0x80) while packing, and the extra 128 * sum_k B[k][j] is subtracted per
 * column at the end. B is packed as [k/4][column][4 bytes], so one 64-byte load feeds 16 columns.
 * AVX2: both operands are widened to int16 and vpmaddwd sums pairs of products, which is exact.
 */
#include "hn_isa.h"

#include <stdlib.h>
#include <string.h>

/* 16384 * 255 * 128 < 2^31, so biased sums of this many products fit an int32. */
#define EXACT_K 16384

static int32_t saturate(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* Any length: int64 row accumulators, then saturation. */
static int32_t gemm_s8_wide(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                            const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  int64_t *acc = malloc(sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
  if (acc == NULL) return HN_ERR_OUT_OF_MEMORY;
  for (int64_t i = 0; i < m; i++) {
    memset(acc, 0, sizeof(int64_t) * (size_t)n);
    for (int64_t p = 0; p < k; p++) {
      int64_t av = a[i * lda + p];
      const int8_t *brow = b + p * ldb;
      for (int64_t j = 0; j < n; j++) acc[j] += av * brow[j];
    }
    for (int64_t j = 0; j < n; j++) c[i * ldc + j] = saturate(acc[j]);
  }
  free(acc);
  return HN_OK;
}

#if defined(__AVX512VNNI__)

#define MR 8
#define NR 32

/*
 * One strip of NR columns of B as [k/4][NR][4 bytes], zero past k and past the last column, and
 * each column's sum (for the bias correction). Four rows are interleaved 16 columns at a time
 * with byte and word unpacks; the sums come from vpdpbusd against ones over the packed groups.
 */
static void pack_b_strip(const int8_t *b, int64_t ldb, int64_t k, int64_t cols, uint8_t *dst,
                         int32_t *colsum) {
  const __m128i zero = _mm_setzero_si128();
  int64_t kq = (k + 3) / 4;
  for (int64_t g = 0; g < kq; g++) {
    for (int64_t j0 = 0; j0 < NR; j0 += 16) {
      __m128i rows[4];
      for (int r = 0; r < 4; r++) {
        int64_t p = g * 4 + r;
        int64_t width = cols - j0;
        if (p >= k || width <= 0) {
          rows[r] = zero;
        } else if (width >= 16) {
          rows[r] = _mm_loadu_si128((const __m128i *)(b + p * ldb + j0));
        } else {
          int8_t tail[16] = {0};
          memcpy(tail, b + p * ldb + j0, (size_t)width);
          rows[r] = _mm_loadu_si128((const __m128i *)tail);
        }
      }
      __m128i lo01 = _mm_unpacklo_epi8(rows[0], rows[1]);
      __m128i hi01 = _mm_unpackhi_epi8(rows[0], rows[1]);
      __m128i lo23 = _mm_unpacklo_epi8(rows[2], rows[3]);
      __m128i hi23 = _mm_unpackhi_epi8(rows[2], rows[3]);
      __m128i *out = (__m128i *)(dst + g * NR * 4 + j0 * 4);
      _mm_store_si128(out, _mm_unpacklo_epi16(lo01, lo23));
      _mm_store_si128(out + 1, _mm_unpackhi_epi16(lo01, lo23));
      _mm_store_si128(out + 2, _mm_unpacklo_epi16(hi01, hi23));
      _mm_store_si128(out + 3, _mm_unpackhi_epi16(hi01, hi23));
    }
  }
  const __m512i ones = _mm512_set1_epi8(1);
  __m512i sum0 = _mm512_setzero_si512();
  __m512i sum1 = _mm512_setzero_si512();
  for (int64_t g = 0; g < kq; g++) {
    sum0 = _mm512_dpbusd_epi32(sum0, ones, _mm512_load_si512(dst + g * NR * 4));
    sum1 = _mm512_dpbusd_epi32(sum1, ones, _mm512_load_si512(dst + g * NR * 4 + 64));
  }
  _mm512_store_si512(colsum, sum0);
  _mm512_store_si512(colsum + 16, sum1);
}

/* One panel of MR rows of A as [k/4][MR][4 bytes], made unsigned (xor 0x80); 0x80 pads k and rows. */
static void pack_a_panel(const int8_t *a, int64_t lda, int64_t k, int64_t rows, uint8_t *dst) {
  int64_t kq = (k + 3) / 4;
  int64_t whole = k / 4;
  memset(dst, 0x80, (size_t)(kq * MR * 4));
  for (int64_t r = 0; r < rows; r++) {
    const int8_t *src = a + r * lda;
    for (int64_t g = 0; g < whole; g++) {
      uint32_t quad;
      memcpy(&quad, src + g * 4, 4);
      quad ^= 0x80808080u;
      memcpy(dst + (g * MR + r) * 4, &quad, 4);
    }
    for (int64_t p = whole * 4; p < k; p++) {
      dst[(whole * MR + r) * 4 + (p - whole * 4)] = (uint8_t)(src[p] ^ 0x80);
    }
  }
}

static int32_t gemm_s8_fast(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                            const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  int64_t kq = (k + 3) / 4;
  int64_t strips = (n + NR - 1) / NR;
  int64_t panels = (m + MR - 1) / MR;
  uint8_t *pb = aligned_alloc(64, (size_t)(strips * kq * NR * 4));
  uint8_t *pa = aligned_alloc(64, (size_t)(panels * kq * MR * 4 + 64));
  int32_t *colsum = aligned_alloc(64, sizeof(int32_t) * (size_t)(strips * NR));
  if (pb == NULL || pa == NULL || colsum == NULL) {
    free(pb);
    free(pa);
    free(colsum);
    return HN_ERR_OUT_OF_MEMORY;
  }
  for (int64_t s = 0; s < strips; s++) {
    int64_t cols = n - s * NR < NR ? n - s * NR : NR;
    pack_b_strip(b + s * NR, ldb, k, cols, pb + s * kq * NR * 4, colsum + s * NR);
  }
  for (int64_t q = 0; q < panels; q++) {
    int64_t rows = m - q * MR < MR ? m - q * MR : MR;
    pack_a_panel(a + q * MR * lda, lda, k, rows, pa + q * kq * MR * 4);
  }
  for (int64_t s = 0; s < strips; s++) {
    int64_t cols = n - s * NR < NR ? n - s * NR : NR;
    const uint8_t *bs = pb + s * kq * NR * 4;
    __m512i corr0 = _mm512_slli_epi32(_mm512_load_si512(colsum + s * NR), 7);
    __m512i corr1 = _mm512_slli_epi32(_mm512_load_si512(colsum + s * NR + 16), 7);
    for (int64_t q = 0; q < panels; q++) {
      int64_t rows = m - q * MR < MR ? m - q * MR : MR;
      const uint8_t *ap = pa + q * kq * MR * 4;
      const uint8_t *bp = bs;
      __m512i c0[MR], c1[MR];
#pragma GCC unroll 8
      for (int r = 0; r < MR; r++) {
        c0[r] = _mm512_setzero_si512();
        c1[r] = _mm512_setzero_si512();
      }
      for (int64_t g = 0; g < kq; g++) {
        __m512i b0 = _mm512_load_si512(bp);
        __m512i b1 = _mm512_load_si512(bp + 64);
#pragma GCC unroll 8
        for (int r = 0; r < MR; r++) {
          int32_t quad;
          memcpy(&quad, ap + r * 4, 4);
          __m512i av = _mm512_set1_epi32(quad);
          c0[r] = _mm512_dpbusd_epi32(c0[r], av, b0);
          c1[r] = _mm512_dpbusd_epi32(c1[r], av, b1);
        }
        ap += MR * 4;
        bp += NR * 4;
      }
      int32_t tile[MR * NR] __attribute__((aligned(64)));
      for (int r = 0; r < MR; r++) {
        _mm512_store_si512(tile + r * NR, _mm512_sub_epi32(c0[r], corr0));
        _mm512_store_si512(tile + r * NR + 16, _mm512_sub_epi32(c1[r], corr1));
      }
      for (int64_t r = 0; r < rows; r++) {
        memcpy(c + (q * MR + r) * ldc + s * NR, tile + r * NR, sizeof(int32_t) * (size_t)cols);
      }
    }
  }
  free(pb);
  free(pa);
  free(colsum);
  return HN_OK;
}

#elif defined(__AVX2__)

#define MR 4
#define NR 16

static int32_t gemm_s8_fast(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                            const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  int64_t kp = (k + 1) / 2;
  int64_t strips = (n + NR - 1) / NR;
  int64_t panels = (m + MR - 1) / MR;
  int16_t *pb = aligned_alloc(64, sizeof(int16_t) * (size_t)(strips * kp * NR * 2));
  int16_t *pa = aligned_alloc(64, sizeof(int16_t) * (size_t)(panels * kp * MR * 2 + 32));
  if (pb == NULL || pa == NULL) {
    free(pb);
    free(pa);
    return HN_ERR_OUT_OF_MEMORY;
  }
  memset(pb, 0, sizeof(int16_t) * (size_t)(strips * kp * NR * 2));
  memset(pa, 0, sizeof(int16_t) * (size_t)(panels * kp * MR * 2 + 32));
  for (int64_t s = 0; s < strips; s++) {
    int64_t cols = n - s * NR < NR ? n - s * NR : NR;
    int16_t *dst = pb + s * kp * NR * 2;
    for (int64_t p = 0; p < k; p++) {
      const int8_t *src = b + p * ldb + s * NR;
      int16_t *row = dst + (p / 2) * NR * 2 + (p % 2);
      for (int64_t j = 0; j < cols; j++) row[j * 2] = src[j];
    }
  }
  for (int64_t q = 0; q < panels; q++) {
    int64_t rows = m - q * MR < MR ? m - q * MR : MR;
    int16_t *dst = pa + q * kp * MR * 2;
    for (int64_t r = 0; r < rows; r++) {
      const int8_t *src = a + (q * MR + r) * lda;
      for (int64_t p = 0; p < k; p++) dst[(p / 2) * MR * 2 + r * 2 + (p % 2)] = src[p];
    }
  }
  for (int64_t s = 0; s < strips; s++) {
    int64_t cols = n - s * NR < NR ? n - s * NR : NR;
    for (int64_t q = 0; q < panels; q++) {
      int64_t rows = m - q * MR < MR ? m - q * MR : MR;
      const int16_t *ap = pa + q * kp * MR * 2;
      const int16_t *bp = pb + s * kp * NR * 2;
      __m256i c0[MR], c1[MR];
      for (int r = 0; r < MR; r++) {
        c0[r] = _mm256_setzero_si256();
        c1[r] = _mm256_setzero_si256();
      }
      for (int64_t g = 0; g < kp; g++) {
        __m256i b0 = _mm256_load_si256((const __m256i *)bp);
        __m256i b1 = _mm256_load_si256((const __m256i *)(bp + 16));
#pragma GCC unroll 4
        for (int r = 0; r < MR; r++) {
          int32_t pair;
          memcpy(&pair, ap + r * 2, 4);
          __m256i av = _mm256_set1_epi32(pair);
          c0[r] = _mm256_add_epi32(c0[r], _mm256_madd_epi16(av, b0));
          c1[r] = _mm256_add_epi32(c1[r], _mm256_madd_epi16(av, b1));
        }
        ap += MR * 2;
        bp += NR * 2;
      }
      int32_t tile[MR * NR] __attribute__((aligned(32)));
      for (int r = 0; r < MR; r++) {
        _mm256_store_si256((__m256i *)(tile + r * NR), c0[r]);
        _mm256_store_si256((__m256i *)(tile + r * NR + 8), c1[r]);
      }
      for (int64_t r = 0; r < rows; r++) {
        memcpy(c + (q * MR + r) * ldc + s * NR, tile + r * NR, sizeof(int32_t) * (size_t)cols);
      }
    }
  }
  free(pb);
  free(pa);
  return HN_OK;
}

#else

static int32_t gemm_s8_fast(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                            const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  for (int64_t i = 0; i < m; i++) {
    int32_t *crow = c + i * ldc;
    memset(crow, 0, sizeof(int32_t) * (size_t)n);
    for (int64_t p = 0; p < k; p++) {
      int32_t av = a[i * lda + p];
      const int8_t *brow = b + p * ldb;
      for (int64_t j = 0; j < n; j++) crow[j] += av * brow[j];
    }
  }
  return HN_OK;
}

#endif

int32_t HN_FN(hn_gemm_s8_impl)(int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                               const int8_t *b, int64_t ldb, int32_t *c, int64_t ldc) {
  if (m == 0 || n == 0) return HN_OK;
  if (k == 0) {
    for (int64_t i = 0; i < m; i++) memset(c + i * ldc, 0, sizeof(int32_t) * (size_t)n);
    return HN_OK;
  }
  if (k > EXACT_K) return gemm_s8_wide(m, n, k, a, lda, b, ldb, c, ldc);
  return gemm_s8_fast(m, n, k, a, lda, b, ldb, c, ldc);
}
