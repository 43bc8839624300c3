/*
 * The vector type of one ISA build and the pieces the memory-bound kernels share. The type is a
 * GCC vector extension as wide as the level's registers (16 floats for AVX-512, 8 for AVX2, 4 for
 * the portable build, which GCC lowers to SSE2 on x86-64 and to whatever another target has), so
 * each kernel is written once.
 *
 * Streaming stores: an ordinary store first reads its cache line from memory (write-allocate),
 * which for y = f(x) costs as much as the write itself. Outputs of HN_STREAM_BYTES and more are
 * written with non-temporal stores around the caches instead (AVX2 and AVX-512 builds); smaller
 * ones are likely to be read again soon and stay cached. Measured: ReLU at 55% of the copy
 * bandwidth with ordinary stores and 98-111% with streaming ones, 64 MB tensors on two threads.
 */
#ifndef HN_VEC_H
#define HN_VEC_H

#include "hn_isa.h"

#include <string.h>

/* Outputs at least this large are streamed; a tensor this size would not stay in L2 anyway. */
#define HN_STREAM_BYTES (1 << 22)

/*
 * How many floats ahead of its loads a streaming loop prefetches (8 KB). A loop with arithmetic
 * in it leaves the hardware prefetcher behind: sigmoid over 64 MB on one core ran at 14 GB/s
 * without, 21-25 with (26 is its speed in cache); 512 floats gave 20, 128 gave 15.
 */
#ifndef HN_PREFETCH_AHEAD
#define HN_PREFETCH_AHEAD 2048
#endif

#if defined(__AVX512F__)
#define HN_LANES 16
#elif defined(__AVX2__)
#define HN_LANES 8
#else
#define HN_LANES 4
#endif

#if defined(__AVX512F__) || defined(__AVX2__)
#define HN_STREAMS 1
#endif

typedef float vf __attribute__((vector_size(4 * HN_LANES)));
typedef int32_t vi __attribute__((vector_size(4 * HN_LANES)));

#define HN_SIGN_BIT ((int32_t)0x80000000)

static inline vf vload(const float *p) {
  vf v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static inline void vstore(float *p, vf v) { memcpy(p, &v, sizeof(v)); }

#if defined(__AVX2__) && !defined(__AVX512F__)
/* All ones in the lanes below n. */
static inline __m256i vlanes_below(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
#endif

/*
 * The first n (0 < n < HN_LANES) floats at p, the other lanes fill, and the first n lanes of v
 * stored at p: one masked load or store where the ISA has them, reading and writing nothing
 * beyond p + n. Filling a stack vector lane by lane and loading it whole would stall on store
 * forwarding, which on rows of a few vectors costs more than the arithmetic.
 */
static inline vf vload_part(const float *p, int64_t n, float fill) {
#if defined(__AVX512F__)
  return (vf)_mm512_mask_loadu_ps(_mm512_set1_ps(fill), (__mmask16)((1u << n) - 1), p);
#elif defined(__AVX2__)
  __m256i in = vlanes_below(n);
  return (vf)_mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, in),
                              _mm256_castsi256_ps(in));
#else
  float lanes[HN_LANES];
  for (int l = 0; l < HN_LANES; l++) lanes[l] = l < n ? p[l] : fill;
  return vload(lanes);
#endif
}

static inline void vstore_part(float *p, vf v, int64_t n) {
#if defined(__AVX512F__)
  _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), (__m512)v);
#elif defined(__AVX2__)
  _mm256_maskstore_ps(p, vlanes_below(n), (__m256)v);
#else
  memcpy(p, &v, sizeof(float) * (size_t)n);
#endif
}

/* A non-temporal store; p must be aligned to the vector size. */
static inline void vstream(float *p, vf v) {
#if defined(__AVX512F__)
  _mm512_stream_ps(p, (__m512)v);
#elif defined(__AVX2__)
  _mm256_stream_ps(p, (__m256)v);
#else
  vstore(p, v);
#endif
}

/* Orders the streaming stores before whatever the caller does next (another thread's reads). */
static inline void vstream_fence(void) {
#ifdef HN_STREAMS
  _mm_sfence();
#endif
}

/* Lanes of a where mask is set (all ones), else lanes of b. */
static inline vf vselect(vi mask, vf a, vf b) { return (vf)(((vi)a & mask) | ((vi)b & ~mask)); }

/* -|x|, by setting the sign bit (NaN stays NaN). */
static inline vf vneg_abs(vf x) { return (vf)((vi)x | HN_SIGN_BIT); }

/* The lanes between the vector boundary at or below p and p. */
static inline int64_t vlane_offset(const float *p) {
  return (int64_t)(((uintptr_t)p / sizeof(float)) % HN_LANES);
}

/*
 * Whether an output of total_bytes is streamed (and the ISA can), and if so how many of the n
 * elements at y come first, one by one, until y is aligned for vstream; -1 when not streamed.
 */
static inline int64_t vstream_head(int64_t total_bytes, int64_t n, const float *y) {
#ifdef HN_STREAMS
  if (total_bytes < HN_STREAM_BYTES) return -1;
  int64_t misaligned = vlane_offset(y);
  int64_t head = misaligned == 0 ? 0 : HN_LANES - misaligned;
  return head < n ? head : n;
#else
  (void)total_bytes;
  (void)n;
  (void)y;
  return -1;
#endif
}

/* 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer in its low bits. */
#define HN_ROUNDER 12582912.0f
/* The bits of HN_ROUNDER less the exponent bias: (bits(t) - this) << 23 is the float 2^n. */
#define HN_ROUNDER_BITS_UNBIASED (0x4B400000 - 127)
#define HN_LOG2E 1.44269504f
/* ln 2 in two parts, n * HN_LN2_HI exact for every n of a lane the exponentials keep. */
#define HN_LN2_HI 0.693359375f
#define HN_LN2_LO (-2.12194440e-4f)
/* ln 2 in one float, for the coarse reduction. */
#define HN_LN2_COARSE 0.693147182f
/* Below this, e^x is under the smallest normal float. */
#define HN_EXP_LOWEST (-87.3f)

/* max(lo, x) with NaN in x kept: the x86 max returns its second operand when either is NaN. */
static inline vf vmax_keep_nan(float lo, vf x) {
#if defined(__AVX512F__)
  return (vf)_mm512_max_ps(_mm512_set1_ps(lo), (__m512)x);
#elif defined(__AVX2__)
  return (vf)_mm256_max_ps(_mm256_set1_ps(lo), (__m256)x);
#else
  return vselect(x < lo, (vf){0} + lo, x);
#endif
}

/* max(a, b) lane by lane; a NaN in a gives b (and a NaN b gives b). */
static inline vf vmax(vf a, vf b) {
#if defined(__AVX512F__)
  return (vf)_mm512_max_ps((__m512)a, (__m512)b);
#elif defined(__AVX2__)
  return (vf)_mm256_max_ps((__m256)a, (__m256)b);
#else
  return vselect(a > b, a, b);
#endif
}

/*
 * The sum and the maximum of v's lanes, folded in halves: log2(lanes) dependent steps instead of
 * one per lane, which is most of a short row's fixed cost. The maximum expects no NaN lanes (the
 * callers' vmax keeps NaN out of them).
 */
static inline float vsum_lanes(vf v) {
  float a[HN_LANES];
  memcpy(a, &v, sizeof(v));
  for (int width = HN_LANES / 2; width > 0; width /= 2) {
    for (int l = 0; l < width; l++) a[l] += a[l + width];
  }
  return a[0];
}

static inline float vmax_lanes(vf v) {
  float a[HN_LANES];
  memcpy(a, &v, sizeof(v));
  for (int width = HN_LANES / 2; width > 0; width /= 2) {
    for (int l = 0; l < width; l++) a[l] = a[l + width] > a[l] ? a[l + width] : a[l];
  }
  return a[0];
}

/* |a| with the sign of b (one bitwise select; NaN stays NaN). */
static inline vf vcopysign(vf a, vf b) {
  return vselect((vi){0} + HN_SIGN_BIT, b, a);
}

/*
 * Range reduction x = n ln2 + r, |r| <= ln2 / 2, for x <= 0 (NaN gives NaN); *n is n as a float.
 * The rounding adds and removes HN_ROUNDER, which leaves n's integer value in t's low bits.
 */
static inline vf vexp_reduce(vf x, vf *n, vf *t) {
  *t = x * HN_LOG2E + HN_ROUNDER;
  *n = *t - HN_ROUNDER;
  vf r = x - *n * HN_LN2_HI;
  return r - *n * HN_LN2_LO;
}

/* 2^(n + extra) from the t of vexp_reduce, for n + extra in [-126, 127] (a normal float). */
static inline vf vpow2_of(vf t, int extra) {
  return (vf)(((vi)t - (HN_ROUNDER_BITS_UNBIASED - extra)) << 23);
}

/* e^r on |r| <= ln2 / 2, Horner: the degree-6 fit the SIMD Java kernels use
 * (kernels-java/tools/fit_activation_polynomials.py), under one ulp. */
static inline vf vexp_reduced(vf r) {
  vf p = r * 1.375140739e-03f + 8.368915878e-03f;
  p = p * r + 4.166953266e-02f;
  p = p * r + 1.666651815e-01f;
  p = p * r + 4.999998808e-01f;
  p = p * r + 1.0f;
  return p * r + 1.0f;
}

/*
 * The coarse reduction of s x for a power of two s: s x = n ln2 + r with ln2 in one float,
 * returning r / s. With s folded into the constants each rounding is that of the reduction of
 * s x scaled by 1 / s, so the caller gets those bits without computing s x.
 */
static inline vf vexp_reduce_coarse_scaled(vf x, float s, vf *n, vf *t) {
  *t = x * (s * HN_LOG2E) + HN_ROUNDER;
  *n = *t - HN_ROUNDER;
  return x - *n * (HN_LN2_COARSE / s);
}

/*
 * The coarse exponential, for GELU-tanh (tolerance 1e-5) and softmax (2e-5), which were a few
 * percent short of the memory bandwidth: x = n ln2 + r with ln2 in one float (r off by at most
 * 2.9e-7 for |n| <= 150), and e^r to degree 5 (same tool, 1.2e-7 relative). Two multiply-adds
 * fewer than vexp_reduce with vexp_reduced; together under 5e-7 relative. Tanh's e^2a - 1
 * (vexpm1_twice) reduces with the same one-float ln2, for the reason given there.
 */
static inline vf vexp_reduce_coarse(vf x, vf *n, vf *t) {
  return vexp_reduce_coarse_scaled(x, 1.0f, n, t);
}

static inline vf vexp_reduced_coarse(vf r) {
  vf p = r * 8.333837613e-03f + 4.189857841e-02f;
  p = p * r + 1.666688621e-01f;
  p = p * r + 4.999914169e-01f;
  p = p * r + 1.0f;
  return p * r + 1.0f;
}

/* min(hi, x) with NaN in x kept, as vmax_keep_nan. */
static inline vf vmin_keep_nan(float hi, vf x) {
#if defined(__AVX512F__)
  return (vf)_mm512_min_ps(_mm512_set1_ps(hi), (__m512)x);
#elif defined(__AVX2__)
  return (vf)_mm256_min_ps(_mm256_set1_ps(hi), (__m256)x);
#else
  return vselect(x > hi, (vf){0} + hi, x);
#endif
}

/*
 * The largest x for which the exponentials below hold, e^x about 6.1e37: 1 / (1 + e^x) is then
 * at least 1.6e-38, a normal float.
 */
#define HN_EXP_HIGHEST 87.0f

/*
 * e^x for lowest <= x <= HN_EXP_HIGHEST (lowest >= HN_EXP_LOWEST, a constant at every call),
 * 0 below, branch-free, under a few ulp (accuracy checked at every ISA level by
 * NativeIsaLevelsTest through the activations); NaN gives NaN, -inf 0. No result is subnormal: a
 * subnormal result or operand costs an x86 core a microcode assist of about a hundred cycles,
 * which made GELU-tanh of any x above 10 and sigmoid beyond +-87 run 15-20 times slower, and
 * softmax's masked rows ten times slower. On AVX-512 the lanes below lowest (-inf among them,
 * whose reduction is NaN) are zeroed by the write mask of the last step, vscalefps; elsewhere
 * they are replaced by 0 before the reduction and cleared after it, and 2^n is built from its
 * bits. With coarse (a constant at every call), the coarse reduction and polynomial above.
 */
static inline __attribute__((always_inline)) vf vexp_bounded_with(vf x, int coarse, float lowest) {
  vf n, t;
#if defined(__AVX512F__)
  __mmask16 keep = _mm512_cmp_ps_mask((__m512)x, _mm512_set1_ps(lowest), _CMP_NLT_UQ);
  vf r = coarse ? vexp_reduce_coarse(x, &n, &t) : vexp_reduce(x, &n, &t);
  vf p = coarse ? vexp_reduced_coarse(r) : vexp_reduced(r);
  return (vf)_mm512_maskz_scalef_ps(keep, (__m512)p, (__m512)n);
#else
  vi below = x < lowest;
  vf xc = vselect(below, (vf){0}, x);
  vf r = coarse ? vexp_reduce_coarse(xc, &n, &t) : vexp_reduce(xc, &n, &t);
  vf p = coarse ? vexp_reduced_coarse(r) : vexp_reduced(r);
  return (vf)((vi)(p * vpow2_of(t, 0)) & ~below);
#endif
}

/*
 * e^x for any x, clamped at HN_EXP_HIGHEST above: finite for every finite or infinite x, so
 * 1 / (1 + e^x) needs no branch or select (+inf gives a large finite value, whose reciprocal is
 * small but normal).
 */
static inline vf vexp_clamped(vf x) {
  return vexp_bounded_with(vmin_keep_nan(HN_EXP_HIGHEST, x), 0, HN_EXP_LOWEST);
}

/*
 * -min(|x|, limit) for limit > 0. On AVX-512 one vrangeps (absolute minimum, sign set), which
 * gives -limit for a quiet NaN in x: callers that must pass NaN through restore it. Elsewhere
 * NaN stays NaN.
 */
static inline vf vneg_abs_at_most(float limit, vf x) {
#if defined(__AVX512F__)
  return (vf)_mm512_range_ps((__m512)x, _mm512_set1_ps(limit), 0x0E);
#else
  return vmax_keep_nan(-limit, vneg_abs(x));
#endif
}

/* The largest |a| vexpm1_twice takes: 2a is then at least HN_EXP_LOWEST. */
#define HN_EXPM1_TWICE_LIMIT (HN_EXP_LOWEST * -0.5f)

/*
 * e^(2a) - 1 for a in [-HN_EXPM1_TWICE_LIMIT, 0], without the cancellation of e^x - 1 near 0:
 * 2^n (e^r - 1) + (2^n - 1) for 2a = n ln2 + r, with e^r - 1 = r + r^2 Q(r), Q the degree-4 fit
 * of the activation fit tool (2.8e-8 relative on |r| <= ln2 / 2, as close as the Taylor series to
 * degree 7 it replaced, one multiply-add shorter). The doubling of a is folded into the constants:
 * each is the fit's times a power of two, so the reduction gives n and r / 2, the polynomial
 * (e^r - 1) / 2, and the result has the bits it would have for the argument 2a, one multiply
 * fewer. The argument is reduced with ln2 in one float: r is off by |n| 1.9e-9, which is nothing
 * where n is small, and where it is large e^2a is so small beside 1 that its own error does not
 * reach the result's last bit. At the limit the result is -1 in float.
 */
static inline vf vexpm1_twice(vf a) {
  vf n, t;
  vf h = vexp_reduce_coarse_scaled(a, 2.0f, &n, &t);
  vf q = h * (1.385583077e-03f * 32.0f) + 8.363635279e-03f * 16.0f;
  q = q * h + 4.166748747e-02f * 8.0f;
  q = q * h + 1.666656584e-01f * 4.0f;
  q = q * h + 4.999999702e-01f * 2.0f;
  vf half_em1 = (h * h) * q + h;
#if defined(__AVX512F__)
  vf twice_scale = (vf)_mm512_scalef_ps(_mm512_set1_ps(2.0f), (__m512)n);
#else
  vf twice_scale = vpow2_of(t, 1);
#endif
  return twice_scale * half_em1 + (twice_scale * 0.5f - 1.0f);
}

#endif
