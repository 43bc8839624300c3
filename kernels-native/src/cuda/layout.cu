// Layout kernels move raw elements of 1 or 4 bytes, so every dtype and NaN payload survives.
#include "harmonics_cuda.cuh"

// dst[i] = src[offset of row-major position i under g.shape and src strides g.stride0].
extern "C" __global__ void hx_copy_strided_b4(const unsigned int* src, unsigned int* dst, i64 n,
                                              HxGeometry g) {
  HX_FOR(i, n) { dst[i] = src[hx_offset(i, g, g.stride0)]; }
}

extern "C" __global__ void hx_copy_strided_b1(const unsigned char* src, unsigned char* dst, i64 n,
                                              HxGeometry g) {
  HX_FOR(i, n) { dst[i] = src[hx_offset(i, g, g.stride0)]; }
}

enum { HX_PAD_CONSTANT = 0, HX_PAD_REFLECT, HX_PAD_EDGE };

// The input coordinate output coordinate o reads along one axis, or -1 for the constant.
__device__ inline i64 hx_pad_source(i64 o, i64 before, i64 n, int mode) {
  i64 i = o - before;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case HX_PAD_CONSTANT: return -1;
    case HX_PAD_REFLECT: return i < 0 ? -i : 2 * (n - 1) - i;
    default: return i < 0 ? 0 : n - 1;
  }
}

// Geometry: shape = the output shape, stride0 = the input shape, stride1 = pad before each axis.
__device__ inline i64 hx_pad_source_flat(i64 o, const HxGeometry& g, int mode) {
  i64 coords[HX_MAX_RANK];
  for (int d = g.rank - 1; d >= 0; d--) {
    coords[d] = o % g.shape[d];
    o /= g.shape[d];
  }
  i64 flat = 0;
  for (int d = 0; d < g.rank; d++) {
    i64 i = hx_pad_source(coords[d], g.stride1[d], g.stride0[d], mode);
    if (i < 0) return -1;
    flat = flat * g.stride0[d] + i;
  }
  return flat;
}

extern "C" __global__ void hx_pad_b4(const unsigned int* x, unsigned int* y, i64 n, int mode,
                                     unsigned int constant, HxGeometry g) {
  HX_FOR(o, n) {
    i64 s = hx_pad_source_flat(o, g, mode);
    y[o] = s < 0 ? constant : x[s];
  }
}

extern "C" __global__ void hx_pad_b1(const unsigned char* x, unsigned char* y, i64 n, int mode,
                                     int constant, HxGeometry g) {
  HX_FOR(o, n) {
    i64 s = hx_pad_source_flat(o, g, mode);
    y[o] = s < 0 ? (unsigned char)constant : x[s];
  }
}

// The next output coordinate at or after `from` along an axis that reads input coordinate i, or
// -1 when there is none.
__device__ inline i64 hx_pad_next(i64 from, i64 i, i64 outDim, i64 before, i64 n, int mode) {
  for (i64 o = from; o < outDim; o++) {
    if (hx_pad_source(o, before, n, mode) == i) return o;
  }
  return -1;
}

// dx[i] = sum of dy over every output position that read input element i, in row-major order
// (an odometer over the matching coordinates of each axis).
extern "C" __global__ void hx_pad_backward(const float* dy, float* dx, i64 n, int mode,
                                           HxGeometry g) {
  HX_FOR(t, n) {
    i64 in[HX_MAX_RANK], at[HX_MAX_RANK];
    i64 rest = t;
    for (int d = g.rank - 1; d >= 0; d--) {
      in[d] = rest % g.stride0[d];
      rest /= g.stride0[d];
    }
    bool any = true;
    for (int d = 0; d < g.rank; d++) {
      at[d] = hx_pad_next(0, in[d], g.shape[d], g.stride1[d], g.stride0[d], mode);
      any = any && at[d] >= 0;
    }
    double sum = 0;
    while (any) {
      i64 flat = 0;
      for (int d = 0; d < g.rank; d++) flat = flat * g.shape[d] + at[d];
      sum += dy[flat];
      int d = g.rank - 1;
      for (; d >= 0; d--) {
        i64 next = hx_pad_next(at[d] + 1, in[d], g.shape[d], g.stride1[d], g.stride0[d], mode);
        if (next >= 0) {
          at[d] = next;
          break;
        }
        at[d] = hx_pad_next(0, in[d], g.shape[d], g.stride1[d], g.stride0[d], mode);
      }
      any = d >= 0;
    }
    dx[t] = (float)sum;
  }
}

// Concat and split: part [outer, partAxis * inner] sits at column `start * inner` of whole
// [outer, wholeAxis * inner]. toWhole = 1 copies part into whole (concat), 0 the reverse (split).
extern "C" __global__ void hx_concat_part_b4(unsigned int* part, unsigned int* whole, i64 n,
                                             i64 partRow, i64 wholeRow, i64 startColumn,
                                             int toWhole) {
  HX_FOR(t, n) {
    i64 w = (t / partRow) * wholeRow + startColumn + t % partRow;
    if (toWhole) whole[w] = part[t]; else part[t] = whole[w];
  }
}

extern "C" __global__ void hx_concat_part_b1(unsigned char* part, unsigned char* whole, i64 n,
                                             i64 partRow, i64 wholeRow, i64 startColumn,
                                             int toWhole) {
  HX_FOR(t, n) {
    i64 w = (t / partRow) * wholeRow + startColumn + t % partRow;
    if (toWhole) whole[w] = part[t]; else part[t] = whole[w];
  }
}
