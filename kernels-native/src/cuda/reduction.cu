// Sum, mean and max over a set of axes and their backward. Geometry: shape = the input shape,
// stride0 = the output's strides aligned to it (0 along reduced axes), stride1[d] = 1 where axis d
// is reduced, else 0.
#include "harmonics_cuda.cuh"

// Row-major position `r` among the reduced axes combined with output element `o`'s kept axes: the
// input's flat index. Kept coordinates come from the output index through the kept extents.
__device__ inline i64 hx_input_index(i64 o, i64 r, const HxGeometry& g) {
  i64 coords[HX_MAX_RANK];
  for (int d = g.rank - 1; d >= 0; d--) {
    if (g.stride1[d]) {
      coords[d] = r % g.shape[d];
      r /= g.shape[d];
    } else {
      coords[d] = o % g.shape[d];
      o /= g.shape[d];
    }
  }
  i64 flat = 0;
  for (int d = 0; d < g.rank; d++) flat = flat * g.shape[d] + coords[d];
  return flat;
}

__device__ inline i64 hx_reduced_count(const HxGeometry& g) {
  i64 count = 1;
  for (int d = 0; d < g.rank; d++) {
    if (g.stride1[d]) count *= g.shape[d];
  }
  return count;
}

extern "C" __global__ void hx_reduce_sum(const float* x, float* out, i64 outCount, int divisor,
                                         HxGeometry g) {
  i64 count = hx_reduced_count(g);
  HX_FOR(o, outCount) {
    double sum = 0;
    for (i64 r = 0; r < count; r++) sum += x[hx_input_index(o, r, g)];
    out[o] = (float)(sum / divisor);
  }
}

extern "C" __global__ void hx_reduce_max(const float* x, float* out, i64 outCount, HxGeometry g) {
  i64 count = hx_reduced_count(g);
  HX_FOR(o, outCount) {
    double best = -HX_INF;
    for (i64 r = 0; r < count; r++) best = hx_max(best, x[hx_input_index(o, r, g)]);
    out[o] = (float)best;
  }
}

// dx[i] = dy[output of i] * scale, one thread per input element.
extern "C" __global__ void hx_reduce_broadcast(const float* dy, float* dx, i64 n, float scale,
                                               HxGeometry g) {
  HX_FOR(i, n) { dx[i] = dy[hx_offset(i, g, g.stride0)] * scale; }
}

// Routes each output's gradient to the first input position (row-major) that equals its maximum.
extern "C" __global__ void hx_reduce_max_backward(const float* x, const float* y, const float* dy,
                                                  float* dx, i64 outCount, HxGeometry g) {
  i64 count = hx_reduced_count(g);
  HX_FOR(o, outCount) {
    float max = y[o];
    bool routed = false;
    for (i64 r = 0; r < count; r++) {
      i64 i = hx_input_index(o, r, g);
      float v = x[i];
      bool hit = !routed && (v == max || (isnan(v) && isnan(max)));
      dx[i] = hit ? dy[o] : 0.0f;
      routed |= hit;
    }
  }
}
