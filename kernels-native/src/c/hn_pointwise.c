/*
 * ReLU and leaky ReLU, forward and backward, and same-shape addition. Plain loops: compiled per
 * ISA, the compiler turns them into masked-blend vector code of that ISA's width. NaN propagates
 * because every comparison with NaN is false and the NaN operand is the one kept.
 *
 * ReLU forward and addition write large outputs with streaming stores, around the caches: a normal
 * store first reads each line from memory, which costs as much as the write (hn_vec.h). Those
 * loops are written once over the vector type of hn_vec.h.
 */
#include "hn_vec.h"

/* -0 and negatives give +0, as the reference's max(x, 0) in double does; NaN is kept. */
static inline float relu(float v) { return (v > 0.0f || v != v) ? v : 0.0f; }

static inline vf relu_lanes(vf v) { return (vf)((vi)v & ((v > 0.0f) | (v != v))); }

void HN_FN(hn_relu_forward_impl)(int64_t n, const float *x, float slope, int32_t leaky, float *y) {
  if (leaky) {
    for (int64_t i = 0; i < n; i++) {
      float v = x[i];
      y[i] = v > 0.0f ? v : slope * v;
    }
    return;
  }
  int64_t i = 0;
  int64_t head = vstream_head((int64_t)sizeof(float) * n, n, y);
  if (head >= 0) {
    for (; i < head; i++) y[i] = relu(x[i]);
    for (; i + HN_LANES <= n; i += HN_LANES) vstream(y + i, relu_lanes(vload(x + i)));
    vstream_fence();
  }
  for (; i < n; i++) y[i] = relu(x[i]);
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
  int64_t head = vstream_head((int64_t)sizeof(float) * n, n, y);
  if (head >= 0) {
    for (; i < head; i++) y[i] = a[i] + b[i];
    for (; i + HN_LANES <= n; i += HN_LANES) vstream(y + i, vload(a + i) + vload(b + i));
    vstream_fence();
  }
  for (; i < n; i++) y[i] = a[i] + b[i];
}
