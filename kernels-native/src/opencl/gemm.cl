// Matrix products. C[i, j] = act(alpha * sum_p A(i, p) B(p, j) + beta * C[i, j] + bias[j]), where
// A(i, p) is a[i * k + p] or, transposed, a[p * m + i], and B likewise.
//
// Tiling: a work-group of TILE x (TILE / ROWS) items computes a TILE x TILE block of C, each item
// ROWS rows of one column. Per step the group stages a TILE x TILE block of A and of B in local
// memory, so each global element is read once per block instead of once per output.

#define TILE 32
#define ROWS 4
#define GROUP_ROWS (TILE / ROWS)

inline float load_a(__global const float* a, int trans, int m, int k, int i, int p) {
  return (i < m && p < k) ? (trans ? a[(long) p * m + i] : a[(long) i * k + p]) : 0.0f;
}

inline float load_b(__global const float* b, int trans, int k, int n, int p, int j) {
  return (p < k && j < n) ? (trans ? b[(long) j * k + p] : b[(long) p * n + j]) : 0.0f;
}

// Global size: (ceil(n / TILE) * TILE, ceil(m / TILE) * GROUP_ROWS, batch); local (TILE,
// GROUP_ROWS, 1). Batch entry z reads A at z * aStride, B at z * bStride (0 when shared) and
// writes C at z * cStride.
__kernel __attribute__((reqd_work_group_size(TILE, GROUP_ROWS, 1)))
void gemm(int transA, int transB, int m, int n, int k, float alpha,
          __global const float* a, long aStride, __global const float* b, long bStride,
          float beta, __global float* c, long cStride, __global const float* bias, int hasBias,
          int act, float actAlpha) {
  __local float tileA[TILE][TILE + 1];
  __local float tileB[TILE][TILE + 1];
  const int tx = get_local_id(0);
  const int ty = get_local_id(1);
  const int col = get_group_id(0) * TILE + tx;
  const int row0 = get_group_id(1) * TILE;
  const long z = get_global_id(2);
  a += z * aStride;
  b += z * bStride;
  c += z * cStride;

  float sum[ROWS];
  for (int r = 0; r < ROWS; r++) {
    sum[r] = 0.0f;
  }
  for (int p0 = 0; p0 < k; p0 += TILE) {
    for (int r = 0; r < ROWS; r++) {
      int lr = ty + r * GROUP_ROWS;
      tileA[lr][tx] = load_a(a, transA, m, k, row0 + lr, p0 + tx);
      tileB[lr][tx] = load_b(b, transB, k, n, p0 + lr, get_group_id(0) * TILE + tx);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int p = 0; p < TILE; p++) {
      float bv = tileB[p][tx];
      for (int r = 0; r < ROWS; r++) {
        sum[r] = fma(tileA[ty + r * GROUP_ROWS][p], bv, sum[r]);
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (col >= n) {
    return;
  }
  for (int r = 0; r < ROWS; r++) {
    int row = row0 + ty + r * GROUP_ROWS;
    if (row < m) {
      long ci = (long) row * n + col;
      // As the reference: alpha == 0 ignores A and B, beta == 0 never reads C.
      float value = alpha != 0.0f ? alpha * sum[r] : 0.0f;
      if (beta != 0.0f) {
        value += beta * c[ci];
      }
      if (hasBias) {
        value += bias[col];
      }
      c[ci] = (float) act_apply(act, (acc_t) value, (acc_t) actAlpha);
    }
  }
}

// Integer GEMM: c[i, j] = sum_p a[i, p] * b[p, j] over int8, in 64 bits, saturated to int32.
__kernel void gemm_int8(int m, int n, int k, __global const char* a, __global const char* b,
                        __global int* c) {
  const int j = get_global_id(0);
  const int i = get_global_id(1);
  if (i >= m || j >= n) {
    return;
  }
  long sum = 0;
  for (int p = 0; p < k; p++) {
    sum += (long) a[(long) i * k + p] * (long) b[(long) p * n + j];
  }
  c[(long) i * n + j] = (int) clamp(sum, (long) INT_MIN, (long) INT_MAX);
}
