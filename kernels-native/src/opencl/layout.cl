// Layout kernels: copies of strided views, padding, concatenation, embeddings. Elements move as
// raw bits (uint for 4-byte types, uchar for int8), so NaN payloads survive.

inline void coords8(long flat, int8 shape, int* c) {
  int s[8] = {shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7};
  for (int d = 7; d >= 0; d--) {
    c[d] = (int) (flat % s[d]);
    flat /= s[d];
  }
}

inline long flat8(int* c, int8 shape) {
  int s[8] = {shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7};
  long flat = 0;
  for (int d = 0; d < 8; d++) {
    flat = flat * s[d] + c[d];
  }
  return flat;
}

// dst[i] = src[base + offset of position i of `shape` under `strides`].
#define DEFINE_COPY(NAME, T) \
__kernel void NAME(__global const T* src, long base, int8 shape, int8 strides, \
                   __global T* dst, long n) { \
  long i = get_global_id(0); \
  if (i < n) { \
    dst[i] = src[base + offset8(i, shape, strides)]; \
  } \
}
DEFINE_COPY(copy_strided_4, uint)
DEFINE_COPY(copy_strided_1, uchar)

// PadMode codes: the ordinal of dev.harmonics.kernel.PadMode.
#define PAD_CONSTANT 0
#define PAD_REFLECT 1
#define PAD_EDGE 2

inline int pad_source(int mode, int o, int before, int n) {
  int i = o - before;
  if (i >= 0 && i < n) {
    return i;
  }
  switch (mode) {
    case PAD_CONSTANT: return -1;
    case PAD_REFLECT: return i < 0 ? -i : 2 * (n - 1) - i;
    default: return i < 0 ? 0 : n - 1;
  }
}

// y[o] = x[source of o] or the constant (raw bits `fill`).
#define DEFINE_PAD(NAME, T) \
__kernel void NAME(__global const T* x, int8 xShape, int8 yShape, int8 before, int mode, \
                   T fill, __global T* y, long n) { \
  long o = get_global_id(0); \
  if (o >= n) { \
    return; \
  } \
  int c[8]; \
  coords8(o, yShape, c); \
  int xs[8] = {xShape.s0, xShape.s1, xShape.s2, xShape.s3, xShape.s4, xShape.s5, xShape.s6, \
               xShape.s7}; \
  int b[8] = {before.s0, before.s1, before.s2, before.s3, before.s4, before.s5, before.s6, \
              before.s7}; \
  long flat = 0; \
  for (int d = 0; d < 8; d++) { \
    int i = pad_source(mode, c[d], b[d], xs[d]); \
    if (i < 0) { \
      y[o] = fill; \
      return; \
    } \
    flat = flat * xs[d] + i; \
  } \
  y[o] = x[flat]; \
}
DEFINE_PAD(pad_4, uint)
DEFINE_PAD(pad_1, uchar)

// The output positions along one dimension that read source index i: up to three runs (left
// reflection or edge run, the direct position, right reflection or edge run).
inline int pad_runs(int mode, int i, int before, int n, int yn, int* from, int* to) {
  int runs = 0;
  if (mode == PAD_REFLECT && i >= 1 && i <= before) {
    from[runs] = before - i;
    to[runs++] = before - i;
  } else if (mode == PAD_EDGE && i == 0 && before > 0) {
    from[runs] = 0;
    to[runs++] = before - 1;
  }
  from[runs] = i + before;
  to[runs++] = i + before;
  int right = before + 2 * (n - 1) - i;
  if (mode == PAD_REFLECT && right >= before + n && right < yn && i < n - 1) {
    from[runs] = right;
    to[runs++] = right;
  } else if (mode == PAD_EDGE && i == n - 1 && before + n < yn) {
    from[runs] = before + n;
    to[runs++] = yn - 1;
  }
  return runs;
}

// dx[i] = sum of dy over every padded position that reads x[i]; one work-item per dx element.
__kernel void pad_backward(__global const float* dy, int8 xShape, int8 yShape, int8 before,
                           int mode, __global float* dx, long n) {
  long q = get_global_id(0);
  if (q >= n) {
    return;
  }
  int c[8];
  coords8(q, xShape, c);
  int xs[8] = {xShape.s0, xShape.s1, xShape.s2, xShape.s3, xShape.s4, xShape.s5, xShape.s6,
               xShape.s7};
  int ys[8] = {yShape.s0, yShape.s1, yShape.s2, yShape.s3, yShape.s4, yShape.s5, yShape.s6,
               yShape.s7};
  int b[8] = {before.s0, before.s1, before.s2, before.s3, before.s4, before.s5, before.s6,
              before.s7};
  int from[8][3], to[8][3], runs[8], count[8];
  long combos = 1;
  for (int d = 0; d < 8; d++) {
    runs[d] = pad_runs(mode, c[d], b[d], xs[d], ys[d], from[d], to[d]);
    count[d] = 0;
    for (int r = 0; r < runs[d]; r++) {
      count[d] += to[d][r] - from[d][r] + 1;
    }
    combos *= count[d];
  }
  acc_t sum = 0;
  for (long k = 0; k < combos; k++) {
    long rest = k;
    long flat = 0;
    int o[8];
    for (int d = 7; d >= 0; d--) {
      int pick = (int) (rest % count[d]);
      rest /= count[d];
      int r = 0;
      while (pick > to[d][r] - from[d][r]) {
        pick -= to[d][r] - from[d][r] + 1;
        r++;
      }
      o[d] = from[d][r] + pick;
    }
    for (int d = 0; d < 8; d++) {
      flat = flat * ys[d] + o[d];
    }
    sum += dy[flat];
  }
  dx[q] = (float) sum;
}

// Moves `part` to (intoWhole) or from its place in `whole`, at `start` along `axis` (of 8).
#define DEFINE_PLACE(NAME, T) \
__kernel void NAME(__global T* part, int8 partShape, __global T* whole, int8 wholeShape, \
                   int axis, int start, int intoWhole, long n) { \
  long i = get_global_id(0); \
  if (i >= n) { \
    return; \
  } \
  int c[8]; \
  coords8(i, partShape, c); \
  c[axis] += start; \
  long w = flat8(c, wholeShape); \
  if (intoWhole) { \
    whole[w] = part[i]; \
  } else { \
    part[i] = whole[w]; \
  } \
}
DEFINE_PLACE(place_4, uint)
DEFINE_PLACE(place_1, uchar)

// out[p, d] = table[indices[p], d].
__kernel void embedding_lookup(__global const float* table, __global const int* indices,
                               int width, __global float* out, long n) {
  long i = get_global_id(0);
  if (i < n) {
    long p = i / width;
    out[i] = table[(long) indices[p] * width + i % width];
  }
}

// dtable[row, d] += sum of dout[p, d] over the positions p of the row, in position order:
// `positions` lists positions grouped by row, segment s covering [starts[s], starts[s + 1]).
// One work-item per (segment, d).
__kernel void embedding_backward(__global const int* positions, __global const int* starts,
                                 __global const int* rows, int segments, int width,
                                 __global const float* dout, __global float* dtable) {
  long i = get_global_id(0);
  if (i >= (long) segments * width) {
    return;
  }
  int s = i / width;
  int d = i % width;
  acc_t sum = 0;
  for (int k = starts[s]; k < starts[s + 1]; k++) {
    sum += dout[(long) positions[k] * width + d];
  }
  long at = (long) rows[s] * width + d;
  dtable[at] = (float) ((acc_t) dtable[at] + sum);
}
