/*
 * ReLU and leaky ReLU, forward and backward, and same-shape addition. Plain loops: compiled per ISA, the compiler turns
 * them into masked-blend vector code of that ISA's width. NaN propagates because every comparison
 * with NaN is false and the NaN operand is the one kept. ReLU forward and addition on large
 * tensors are written out with intrinsics for their streaming stores (measured: 55% of the copy bandwidth with normal
 * stores, 98% with streaming ones, 64 MB tensors on two threads).
 */
#include "hn_isa.h"

/*
 * Outputs at least this large are written with streaming stores, around the caches: a normal store
 * first reads each line from memory, which costs as much as the write, and a tensor this size
 * would not be in L2 for the next kernel anyway.
 */
#define HN_STREAM_BYTES (1 << 22)

void HN_FN(hn_relu_forward_impl)(int64_t n, const float *x, float slope, int32_t leaky, float *y) {
  if (leaky) {
    for (int64_t i = 0; i < n; i++) {
      float v = x[i];
      y[i] = v > 0.0f ? v : slope * v;
    }
  } else {
    /* -0 and negatives give +0, as the reference's max(x, 0) in double does. */
    int64_t i = 0;
#if defined(__AVX512F__)
    if ((int64_t)sizeof(float) * n >= HN_STREAM_BYTES) {
      for (; i < n && ((uintptr_t)(y + i) & 63) != 0; i++) {
        float v = x[i];
        y[i] = (v > 0.0f || v != v) ? v : 0.0f;
      }
      const __m512 zero = _mm512_setzero_ps();
      for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __mmask16 keep =
            _mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        _mm512_stream_ps(y + i, _mm512_maskz_mov_ps(keep, v));
      }
      _mm_sfence();
    }
#elif defined(__AVX2__)
    if ((int64_t)sizeof(float) * n >= HN_STREAM_BYTES) {
      for (; i < n && ((uintptr_t)(y + i) & 31) != 0; i++) {
        float v = x[i];
        y[i] = (v > 0.0f || v != v) ? v : 0.0f;
      }
      const __m256 zero = _mm256_setzero_ps();
      for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 keep = _mm256_or_ps(_mm256_cmp_ps(v, zero, _CMP_GT_OQ),
                                   _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        _mm256_stream_ps(y + i, _mm256_and_ps(keep, v));
      }
      _mm_sfence();
    }
#endif
    for (; i < n; i++) {
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

void HN_FN(hn_add_impl)(int64_t n, const float *a, const float *b, float *y) {
  int64_t i = 0;
#if defined(__AVX512F__)
  if ((int64_t)sizeof(float) * n >= HN_STREAM_BYTES) {
    for (; i < n && ((uintptr_t)(y + i) & 63) != 0; i++) y[i] = a[i] + b[i];
    for (; i + 16 <= n; i += 16) {
      _mm512_stream_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
    }
    _mm_sfence();
  }
#elif defined(__AVX2__)
  if ((int64_t)sizeof(float) * n >= HN_STREAM_BYTES) {
    for (; i < n && ((uintptr_t)(y + i) & 31) != 0; i++) y[i] = a[i] + b[i];
    for (; i + 8 <= n; i += 8) {
      _mm256_stream_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
    }
    _mm_sfence();
  }
#endif
  for (; i < n; i++) y[i] = a[i] + b[i];
}
