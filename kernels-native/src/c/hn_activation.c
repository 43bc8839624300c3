/*
 * Sigmoid, tanh and the tanh form of GELU, forward, as branch-free vector polynomials (hn_vec.h)
 * in one streaming loop: load, evaluate, store (a streaming store for large outputs). Each function
 * is within the conformance tolerance of the double-precision reference (1e-6 relative; GELU-tanh
 * 1e-5, whose tail amplifies the float rounding of its cubic argument) at every ISA level.
 *
 * NaN in gives NaN out; infinities give the limits (sigmoid 1, tanh -1 and 1, GELU +inf), except
 * that the far negative tails of sigmoid and GELU-tanh stop at tiny values instead of 0 (sigmoid
 * of -inf is at most 1.7e-38, GELU-tanh below -10 is -1.2e-37): e^-x is kept below overflow so
 * that 1 / (1 + e^-x) needs no select, and the tails stay normal floats (hn_vec.h, on subnormals).
 */
#include "hn_vec.h"

/*
 * sigmoid(x) = 1 / (1 + e^-x): relative accuracy in both tails (for x << 0 the sum is e^-x itself,
 * accurate relative to its value), and e^-x is clamped below overflow, so no select is needed.
 *
 * The reciprocals here are divisions. A 14-bit estimate with one Newton step (three operations
 * on the two vector ports where the division is one, in a divider of its own) was slower on the
 * development machine's cores: in L2, one core, sigmoid 28.2 -> 30.1 GB/s, GELU-tanh 26.3 -> 28.5
 * and tanh 24.0 -> 25.4 when the divisions replaced it. Each loop has 15 or more other vector
 * operations per division, enough to hide the divider's throughput.
 */
static inline vf sigmoid_lanes(vf x) { return 1.0f / (vexp_clamped(0.0f - x) + 1.0f); }

/* Where e^(-2|x|) - 1 is above this (|x| < 0.55), tanh takes its near-zero form. */
#define TANH_NEAR_ZERO (-0.667f)

/*
 * tanh(|x|) from m = e^(-2|x|) - 1, then x's sign: near 0 as -m / (2 + m), accurate relative to
 * the small result; farther out as 1 - 2 (m + 1) / (2 + m), whose rounding error shrinks towards
 * 1 (the first form loses about 3 ulp there, which the backward pass's 1 - y^2 would amplify).
 * |x| is clamped where e^(-2|x|) - 1 is -1 in float.
 */
static inline vf tanh_lanes(vf x) {
  vf m = vexpm1_twice(vneg_abs_at_most(HN_EXPM1_TWICE_LIMIT, x));
  vf r = 1.0f / (m + 2.0f);
  vf near_zero = m * r;
  vf far = 1.0f - (m * 2.0f + 2.0f) * r;
#if defined(__AVX512F__)
  /* A mask register and one blend, where the portable select takes three operations. */
  __mmask16 near = _mm512_cmp_ps_mask((__m512)m, _mm512_set1_ps(TANH_NEAR_ZERO), _CMP_GT_OQ);
  __m512 magnitude = _mm512_mask_blend_ps(near, (__m512)far, (__m512)near_zero);
  /*
   * x's sign on the magnitude (bits: x where the sign mask is set, else magnitude), in the lanes
   * where x is not NaN; the others keep x, since the clamp's vrangeps dropped a quiet NaN.
   */
  __mmask16 ordered = _mm512_cmp_ps_mask((__m512)x, (__m512)x, _CMP_ORD_Q);
  return (vf)_mm512_mask_ternarylogic_epi32((__m512i)x, ordered, _mm512_set1_epi32(HN_SIGN_BIT),
                                            (__m512i)magnitude, 0xE2);
#else
  return vcopysign(vselect(m > TANH_NEAR_ZERO, near_zero, far), x);
#endif
}

/* 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715, as in dev.harmonics.kernel.Activation. */
#define GELU_K2 ((float)(2 * 0.7978845608028654))
#define GELU_K2C ((float)(2 * 0.7978845608028654 * 0.044715))
/*
 * Where x is clamped from below: 2u is then at least -87.3, so e^-2u needs no clamp of its own
 * (one operation fewer), and -inf gives the product no infinity. GELU-tanh is -1.2e-37 here, and
 * that is what every x below it gives, where the exact value (under 1e-38) goes subnormal or to 0.
 */
#define GELU_LOW (-10.0f)

/*
 * GELU-tanh(x) = x * sigmoid(2u), 2u = 2 sqrt(2/pi) (x + 0.044715 x^3), sigmoid as above but with
 * the coarse exponential, well within GELU-tanh's tolerance.
 */
static inline vf gelu_tanh_lanes(vf x) {
  vf xc = vmax_keep_nan(GELU_LOW, x);
  vf u2 = (xc * xc * GELU_K2C + GELU_K2) * xc;
  return xc / (vexp_bounded_with(0.0f - u2, 1, HN_EXP_LOWEST) + 1.0f);
}

typedef vf (*lanes_fn)(vf);

/* Fewer than HN_LANES elements through one padded vector. */
static inline __attribute__((always_inline)) void map_few(int64_t count, const float *x,
                                                           float *y, lanes_fn f) {
  if (count <= 0) return;
  float lanes[HN_LANES] = {0};
  memcpy(lanes, x, sizeof(float) * (size_t)count);
  vf v = f(vload(lanes));
  memcpy(y, &v, sizeof(float) * (size_t)count);
}

/* y = f(x) over n elements; y may be x (each vector is read before it is written). */
static inline __attribute__((always_inline)) void map(int64_t n, const float *x, float *y,
                                                      lanes_fn f) {
  int64_t i = 0;
  int64_t head = vstream_head((int64_t)sizeof(float) * n, n, y);
  if (head >= 0) {
    map_few(head, x, y, f);
    for (i = head; i + HN_LANES <= n; i += HN_LANES) {
      __builtin_prefetch(x + i + HN_PREFETCH_AHEAD, 0, 3);
      vstream(y + i, f(vload(x + i)));
    }
    vstream_fence();
  } else {
    for (; i + HN_LANES <= n; i += HN_LANES) vstore(y + i, f(vload(x + i)));
  }
  map_few(n - i, x + i, y + i, f);
}

int32_t HN_FN(hn_activation_forward_impl)(int32_t act, int64_t n, const float *x, float *y) {
  switch (act) {
    case HN_ACT_SIGMOID: map(n, x, y, sigmoid_lanes); return HN_OK;
    case HN_ACT_TANH: map(n, x, y, tanh_lanes); return HN_OK;
    case HN_ACT_GELU_TANH: map(n, x, y, gelu_tanh_lanes); return HN_OK;
    default: return HN_ERR_UNSUPPORTED_ACTIVATION;
  }
}
