// Shared device code for Harmonics' CUDA kernels. Every .cu file of this folder includes it; NVRTC
// receives it as a named header, so the same sources build offline with nvcc and at run time.
#pragma once

#define HX_THREADS 256
#define HX_MAX_RANK 8

typedef long long i64;

// NVRTC has no <math.h>, so no INFINITY macro: the bit pattern of +inf as a double.
#define HX_INF __longlong_as_double(0x7ff0000000000000LL)

// Grid-stride loop over [0, n): launches are capped in blocks, so big tensors take several laps.
#define HX_FOR(i, n) \
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (i64)blockDim.x * gridDim.x)

// A tensor shape with up to HX_MAX_RANK dimensions and two strided operands over it; passed to
// kernels by value. The Java side writes this exact layout (8-byte fields, rank last).
struct HxGeometry {
  i64 shape[HX_MAX_RANK];
  i64 stride0[HX_MAX_RANK];
  i64 stride1[HX_MAX_RANK];
  int rank;
};

// Activation codes; the Java side maps its enum to these numbers explicitly.
enum HxActivation {
  HX_IDENTITY = 0, HX_RELU, HX_LEAKY_RELU, HX_PRELU, HX_ELU, HX_SELU, HX_GELU_ERF, HX_GELU_TANH,
  HX_SIGMOID, HX_TANH, HX_SOFTPLUS, HX_SOFTSIGN
};

#define HX_SELU_LAMBDA 1.0507009873554804934193349852946
#define HX_SELU_ALPHA 1.6732632423543772848170429916717
#define HX_GELU_TANH_SCALE 0.7978845608028654
#define HX_GELU_TANH_CUBIC 0.044715
#define HX_INV_SQRT_2 0.7071067811865476
#define HX_INV_SQRT_2PI 0.3989422804014327

__device__ inline double hx_logistic(double v) { return 1.0 / (1.0 + exp(-v)); }

__device__ inline double hx_gelu_inner(double v) {
  return HX_GELU_TANH_SCALE * (v + HX_GELU_TANH_CUBIC * v * v * v);
}

// The activations in double, as kernels-java's Activation defines them.
__device__ inline double hx_act(int f, double v, double alpha) {
  if (isnan(v)) return v;
  switch (f) {
    case HX_IDENTITY: return v;
    case HX_RELU: return v > 0 ? v : 0.0;
    case HX_LEAKY_RELU:
    case HX_PRELU: return v > 0 ? v : alpha * v;
    case HX_ELU: return v > 0 ? v : alpha * expm1(v);
    case HX_SELU: return HX_SELU_LAMBDA * (v > 0 ? v : HX_SELU_ALPHA * expm1(v));
    case HX_GELU_ERF: return isinf(v) && v < 0 ? 0.0 : v * 0.5 * erfc(-v * HX_INV_SQRT_2);
    case HX_GELU_TANH:
      return isinf(v) && v < 0 ? 0.0 : v * hx_logistic(2 * hx_gelu_inner(v));
    case HX_SIGMOID: return hx_logistic(v);
    case HX_TANH: return tanh(v);
    case HX_SOFTPLUS: return fmax(v, 0.0) + log1p(exp(-fabs(v)));
    case HX_SOFTSIGN: return isinf(v) ? copysign(1.0, v) : v / (1.0 + fabs(v));
    default: return nan("");
  }
}

// The activations' derivatives at the input, as kernels-java's Activation defines them.
__device__ inline double hx_act_slope(int f, double v, double alpha) {
  if (isnan(v)) return v;
  switch (f) {
    case HX_IDENTITY: return 1.0;
    case HX_RELU: return v > 0 ? 1.0 : 0.0;
    case HX_LEAKY_RELU:
    case HX_PRELU: return v > 0 ? 1.0 : alpha;
    case HX_ELU: return v > 0 ? 1.0 : alpha * exp(v);
    case HX_SELU: return HX_SELU_LAMBDA * (v > 0 ? 1.0 : HX_SELU_ALPHA * exp(v));
    case HX_GELU_ERF:
      if (isinf(v)) return v > 0 ? 1.0 : 0.0;
      return 0.5 * erfc(-v * HX_INV_SQRT_2) + v * exp(-0.5 * v * v) * HX_INV_SQRT_2PI;
    case HX_GELU_TANH: {
      if (isinf(v)) return v > 0 ? 1.0 : 0.0;
      double u = hx_gelu_inner(v);
      double s = hx_logistic(2 * u);
      double slope = 2 * s * hx_logistic(-2 * u);
      return s + v * slope * HX_GELU_TANH_SCALE * (1.0 + 3 * HX_GELU_TANH_CUBIC * v * v);
    }
    case HX_SIGMOID: {
      double e = exp(-fabs(v));
      return e / ((1 + e) * (1 + e));
    }
    case HX_SOFTPLUS: return hx_logistic(v);
    case HX_TANH: {
      double e = exp(-2 * fabs(v));
      return 4 * e / ((1 + e) * (1 + e));
    }
    case HX_SOFTSIGN: {
      double a = 1.0 + fabs(v);
      return 1.0 / (a * a);
    }
    default: return nan("");
  }
}

// Java's Math.max for doubles: NaN wins, and +0 beats -0 (CUDA's fmax drops NaN instead).
__device__ inline double hx_max(double a, double b) {
  if (isnan(a) || isnan(b)) return nan("");
  if (a == 0 && b == 0) return signbit(a) ? b : a;
  return a > b ? a : b;
}

// Sum of one double per thread over a block of HX_THREADS threads; every thread gets the total.
// Fixed tree order, so the result does not depend on scheduling.
__device__ inline double hx_block_sum(double v, double* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) scratch[threadIdx.x] += scratch[threadIdx.x + half];
    __syncthreads();
  }
  double total = scratch[0];
  __syncthreads();
  return total;
}

// NaN-propagating maximum over a block, as hx_block_sum.
__device__ inline double hx_block_max(double v, double* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      scratch[threadIdx.x] = hx_max(scratch[threadIdx.x], scratch[threadIdx.x + half]);
    }
    __syncthreads();
  }
  double total = scratch[0];
  __syncthreads();
  return total;
}

// Offset of row-major position `flat` of g.shape in the operand with strides `strides`.
__device__ inline i64 hx_offset(i64 flat, const HxGeometry& g, const i64* strides) {
  i64 offset = 0;
  for (int d = g.rank - 1; d >= 0; d--) {
    offset += (flat % g.shape[d]) * strides[d];
    flat /= g.shape[d];
  }
  return offset;
}
