// Embedding lookup and backward. The backward pass receives positions grouped by table row (the
// host sorts the indices), so each row's gradient is one ordered sum: no atomics.
#include "harmonics_cuda.cuh"

extern "C" __global__ void hx_embedding_lookup(const float* table, const int* indices,
                                               float* out, i64 positions, int width) {
  i64 n = positions * width;
  HX_FOR(t, n) {
    i64 p = t / width;
    out[t] = table[(i64)indices[p] * width + t % width];
  }
}

// order: positions sorted by (row, position); segmentStart[s] .. segmentStart[s + 1] are the
// positions of row rows[s]. One thread per (segment, column) adds the segment's sum into dtable.
extern "C" __global__ void hx_embedding_backward(const int* order, const int* segmentStart,
                                                 const int* rows, const float* dout,
                                                 float* dtable, int segments, int width) {
  i64 n = (i64)segments * width;
  HX_FOR(t, n) {
    int s = (int)(t / width), d = (int)(t % width);
    double sum = 0;
    for (int k = segmentStart[s]; k < segmentStart[s + 1]; k++) {
      sum += dout[(i64)order[k] * width + d];
    }
    i64 at = (i64)rows[s] * width + d;
    dtable[at] = (float)(dtable[at] + sum);
  }
}
