// Elementwise arithmetic with NumPy broadcasting. Geometry: shape = the output shape, stride0 and
// stride1 = a's and b's element strides aligned to it (0 along broadcast dimensions).
#include "harmonics_cuda.cuh"

enum { HX_ADD = 0, HX_SUB, HX_MUL, HX_DIV };

__device__ inline float hx_binary(int op, float a, float b) {
  switch (op) {
    case HX_ADD: return a + b;
    case HX_SUB: return a - b;
    case HX_MUL: return a * b;
    default: return a / b;
  }
}

extern "C" __global__ void hx_ew_forward(int op, const float* a, const float* b, float* out,
                                         i64 n, HxGeometry g) {
  HX_FOR(i, n) {
    out[i] = hx_binary(op, a[hx_offset(i, g, g.stride0)], b[hx_offset(i, g, g.stride1)]);
  }
}

extern "C" __global__ void hx_ew_scalar(int op, const float* x, float s, float* out, i64 n) {
  HX_FOR(i, n) { out[i] = hx_binary(op, x[i], s); }
}

extern "C" __global__ void hx_ew_axpy(float alpha, const float* x, float* y, i64 n) {
  HX_FOR(i, n) { y[i] = fmaf(alpha, x[i], y[i]); }
}

// The gradient of one operand (which = 0 for a, 1 for b), summed in double over the output
// positions that read each of its elements, in row-major order. One thread per operand element.
extern "C" __global__ void hx_ew_backward(int op, int which, const float* a, const float* b,
                                          const float* dy, float* grad, i64 count, HxGeometry g) {
  const i64* own = which == 0 ? g.stride0 : g.stride1;
  i64 repeats = 1;
  for (int d = 0; d < g.rank; d++) {
    if (own[d] == 0) repeats *= g.shape[d];
  }
  HX_FOR(t, count) {
    // Coordinates of the operand element along its own (non-broadcast) dimensions.
    i64 kept[HX_MAX_RANK];
    i64 rest = t;
    for (int d = g.rank - 1; d >= 0; d--) {
      i64 extent = own[d] == 0 ? 1 : g.shape[d];
      kept[d] = rest % extent;
      rest /= extent;
    }
    double sum = 0;
    for (i64 r = 0; r < repeats; r++) {
      i64 spread = r;
      i64 flat = 0;
      i64 scale = 1;
      i64 coords[HX_MAX_RANK];
      for (int d = g.rank - 1; d >= 0; d--) {
        if (own[d] == 0) {
          coords[d] = spread % g.shape[d];
          spread /= g.shape[d];
        } else {
          coords[d] = kept[d];
        }
      }
      i64 ia = 0, ib = 0;
      for (int d = g.rank - 1; d >= 0; d--) {
        flat += coords[d] * scale;
        scale *= g.shape[d];
        ia += coords[d] * g.stride0[d];
        ib += coords[d] * g.stride1[d];
      }
      double x = a[ia], y = b[ib], gr = dy[flat];
      switch (op) {
        case HX_ADD: sum += gr; break;
        case HX_SUB: sum += which == 0 ? gr : -gr; break;
        case HX_MUL: sum += which == 0 ? gr * y : gr * x; break;
        default: sum += which == 0 ? gr / y : -(gr * x / (y * y)); break;
      }
    }
    grad[t] = (float)sum;
  }
}
