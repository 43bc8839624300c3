// Shared by every Harmonics OpenCL program (prepended to each file before compiling).
//
// acc_t is the type sums and transcendental functions are computed in: double where the device
// has cl_khr_fp64 (the host passes -DHARMONICS_FP64=1), so results match the float64 reference to
// the rounding of the final float; float elsewhere (many GPUs and FPGAs), a little less exact.

#ifdef HARMONICS_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

// Activation codes: the ordinal of dev.harmonics.kernel.Activation.
#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2
#define ACT_PRELU 3
#define ACT_ELU 4
#define ACT_SELU 5
#define ACT_GELU_ERF 6
#define ACT_GELU_TANH 7
#define ACT_SIGMOID 8
#define ACT_TANH 9
#define ACT_SOFTPLUS 10
#define ACT_SOFTSIGN 11

#define SELU_LAMBDA ((acc_t) 1.0507009873554804934193349852946)
#define SELU_ALPHA ((acc_t) 1.6732632423543772848170429916717)
#define GELU_TANH_SCALE ((acc_t) 0.7978845608028654)
#define GELU_TANH_CUBIC ((acc_t) 0.044715)
#define INV_SQRT_2 ((acc_t) 0.7071067811865476)
#define INV_SQRT_2PI ((acc_t) 0.3989422804014327)

// Binary operation codes: the ordinal of dev.harmonics.kernel.BinaryOp.
#define OP_ADD 0
#define OP_SUB 1
#define OP_MUL 2
#define OP_DIV 3

inline acc_t logistic(acc_t v) {
  return (acc_t) 1 / ((acc_t) 1 + exp(-v));
}

// e / (1 + e)^2 with e = exp(-|v|): no cancellation in the tails.
inline acc_t logistic_slope(acc_t v) {
  acc_t e = exp(-fabs(v));
  return e / (((acc_t) 1 + e) * ((acc_t) 1 + e));
}

inline acc_t gelu_tanh_inner(acc_t v) {
  return GELU_TANH_SCALE * (v + GELU_TANH_CUBIC * v * v * v);
}

inline acc_t act_apply(int f, acc_t v, acc_t alpha) {
  if (isnan(v)) {
    return v;
  }
  switch (f) {
    case ACT_RELU: return v > 0 ? v : (acc_t) 0;
    case ACT_LEAKY_RELU:
    case ACT_PRELU: return v > 0 ? v : alpha * v;
    case ACT_ELU: return v > 0 ? v : alpha * expm1(v);
    case ACT_SELU: return SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * expm1(v));
    case ACT_GELU_ERF:
      return isinf(v) && v < 0 ? (acc_t) 0 : v * (acc_t) 0.5 * erfc(-v * INV_SQRT_2);
    case ACT_GELU_TANH:
      return isinf(v) && v < 0 ? (acc_t) 0 : v * logistic((acc_t) 2 * gelu_tanh_inner(v));
    case ACT_SIGMOID: return logistic(v);
    case ACT_TANH: return tanh(v);
    case ACT_SOFTPLUS: return fmax(v, (acc_t) 0) + log1p(exp(-fabs(v)));
    case ACT_SOFTSIGN: return isinf(v) ? sign(v) : v / ((acc_t) 1 + fabs(v));
    default: return v;
  }
}

inline acc_t act_derivative(int f, acc_t v, acc_t alpha) {
  if (isnan(v)) {
    return v;
  }
  switch (f) {
    case ACT_RELU: return v > 0 ? (acc_t) 1 : (acc_t) 0;
    case ACT_LEAKY_RELU:
    case ACT_PRELU: return v > 0 ? (acc_t) 1 : alpha;
    case ACT_ELU: return v > 0 ? (acc_t) 1 : alpha * exp(v);
    case ACT_SELU: return SELU_LAMBDA * (v > 0 ? (acc_t) 1 : SELU_ALPHA * exp(v));
    case ACT_GELU_ERF:
      if (isinf(v)) {
        return v > 0 ? (acc_t) 1 : (acc_t) 0;
      }
      return (acc_t) 0.5 * erfc(-v * INV_SQRT_2) + v * exp((acc_t) -0.5 * v * v) * INV_SQRT_2PI;
    case ACT_GELU_TANH: {
      if (isinf(v)) {
        return v > 0 ? (acc_t) 1 : (acc_t) 0;
      }
      acc_t u = gelu_tanh_inner(v);
      acc_t s = logistic((acc_t) 2 * u);
      acc_t slope = (acc_t) 2 * s * logistic((acc_t) -2 * u);
      // Once the slope has underflowed, v * v may overflow (in float, from |v| ~ 2e19): 0 * inf.
      if (slope == 0) {
        return s;
      }
      return s + v * slope * GELU_TANH_SCALE * ((acc_t) 1 + (acc_t) 3 * GELU_TANH_CUBIC * v * v);
    }
    case ACT_SIGMOID: return logistic_slope(v);
    case ACT_SOFTPLUS: return logistic(v);
    case ACT_TANH: {
      acc_t e = exp((acc_t) -2 * fabs(v));
      return (acc_t) 4 * e / (((acc_t) 1 + e) * ((acc_t) 1 + e));
    }
    case ACT_SOFTSIGN: {
      acc_t a = (acc_t) 1 + fabs(v);
      return (acc_t) 1 / (a * a);
    }
    default: return (acc_t) 1;
  }
}

// The larger of a and b, NaN if either is (fmax would drop a NaN, Java's Math.max keeps it).
inline acc_t nan_max(acc_t a, acc_t b) {
  return isnan(a) || isnan(b) ? (acc_t) NAN : fmax(a, b);
}

inline float binary_op(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default: return a / b;
  }
}

// Tensors of rank <= 8 are described by int8 vectors: the shape padded with leading 1s, and
// element strides (0 along a broadcast dimension). Position `flat` of `shape` in an operand with
// `strides`:
inline long offset8(long flat, int8 shape, int8 strides) {
  int s[8] = {shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7};
  int t[8] = {strides.s0, strides.s1, strides.s2, strides.s3, strides.s4, strides.s5, strides.s6,
              strides.s7};
  long offset = 0;
  for (int d = 7; d >= 0; d--) {
    offset += (flat % s[d]) * (long) t[d];
    flat /= s[d];
  }
  return offset;
}
