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

// Without local memory or barriers, for CPU devices: their caches do the tiling, and a barrier
// makes CPU OpenCL compilers (PoCL) keep every work-item's live values in memory. Each work-item
// computes an 8 x 8 block of C in eight float8 accumulators: per step of k it loads eight values
// of a row of B as one vector and broadcasts eight values of A, a register-blocked micro-kernel
// the compiler maps onto the CPU's vector registers. Blocks on the right or bottom edge clamp
// their reads and skip the writes outside C. One kernel per transpose combination keeps the
// index arithmetic out of the inner loop.
#define BLOCK 8

inline float8 gather8(__global const float* p, long stride) {
  return (float8) (p[0], p[stride], p[2 * stride], p[3 * stride], p[4 * stride], p[5 * stride],
                   p[6 * stride], p[7 * stride]);
}

// B_ROW(p): the eight values B(p, col0 .. col0 + 7); A_AT(i, p): A(i, p).
#define DEFINE_GEMM_BLOCKED(NAME, A_AT, B_ROW) \
__kernel void NAME(int m, int n, int k, float alpha, __global const float* a, long aStride, \
                   __global const float* b, long bStride, float beta, __global float* c, \
                   long cStride, __global const float* bias, int hasBias, int act, \
                   float actAlpha) { \
  const int col0 = get_global_id(0) * BLOCK; \
  const int row0 = get_global_id(1) * BLOCK; \
  const long z = get_global_id(2); \
  if (col0 >= n || row0 >= m) { \
    return; \
  } \
  a += z * aStride; \
  b += z * bStride; \
  c += z * cStride; \
  /* Edge blocks read column n - 8 .. n - 1 (or row m - 1) again instead of past the end. */ \
  const int colBase = min(col0, max(n - BLOCK, 0)); \
  const int narrow = n < BLOCK; \
  int rows[BLOCK]; \
  for (int r = 0; r < BLOCK; r++) { \
    rows[r] = min(row0 + r, m - 1); \
  } \
  float8 s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0; \
  for (int p = 0; p < k; p++) { \
    float8 bv; \
    if (narrow) { \
      float t[BLOCK]; \
      for (int q = 0; q < BLOCK; q++) { \
        int j = min(q, n - 1); \
        t[q] = b[B_AT_SCALAR(p, j)]; \
      } \
      bv = vload8(0, t); \
    } else { \
      bv = B_ROW(p, colBase); \
    } \
    s0 = fma((float8) a[A_AT(rows[0], p)], bv, s0); \
    s1 = fma((float8) a[A_AT(rows[1], p)], bv, s1); \
    s2 = fma((float8) a[A_AT(rows[2], p)], bv, s2); \
    s3 = fma((float8) a[A_AT(rows[3], p)], bv, s3); \
    s4 = fma((float8) a[A_AT(rows[4], p)], bv, s4); \
    s5 = fma((float8) a[A_AT(rows[5], p)], bv, s5); \
    s6 = fma((float8) a[A_AT(rows[6], p)], bv, s6); \
    s7 = fma((float8) a[A_AT(rows[7], p)], bv, s7); \
  } \
  float sums[BLOCK][BLOCK]; \
  vstore8(s0, 0, sums[0]); \
  vstore8(s1, 0, sums[1]); \
  vstore8(s2, 0, sums[2]); \
  vstore8(s3, 0, sums[3]); \
  vstore8(s4, 0, sums[4]); \
  vstore8(s5, 0, sums[5]); \
  vstore8(s6, 0, sums[6]); \
  vstore8(s7, 0, sums[7]); \
  for (int r = 0; r < BLOCK && row0 + r < m; r++) { \
    for (int q = 0; q < BLOCK; q++) { \
      int col = narrow ? q : colBase + q; \
      if (col < col0 || col >= n) { \
        continue; \
      } \
      long ci = (long) (row0 + r) * n + col; \
      float value = alpha != 0.0f ? alpha * sums[r][q] : 0.0f; \
      if (beta != 0.0f) { \
        value += beta * c[ci]; \
      } \
      if (hasBias) { \
        value += bias[col]; \
      } \
      c[ci] = (float) act_apply(act, (acc_t) value, (acc_t) actAlpha); \
    } \
  } \
}

#define A_N(i, p) ((long) (i) * k + (p))
#define A_T(i, p) ((long) (p) * m + (i))
#define B_ROW_N(p, j) vload8(0, b + (long) (p) * n + (j))
#define B_ROW_T(p, j) gather8(b + (long) (j) * k + (p), k)

#define B_AT_SCALAR(p, j) ((long) (p) * n + (j))
DEFINE_GEMM_BLOCKED(gemm_blocked_nn, A_N, B_ROW_N)
DEFINE_GEMM_BLOCKED(gemm_blocked_tn, A_T, B_ROW_N)
#undef B_AT_SCALAR
#define B_AT_SCALAR(p, j) ((long) (j) * k + (p))
DEFINE_GEMM_BLOCKED(gemm_blocked_nt, A_N, B_ROW_T)
DEFINE_GEMM_BLOCKED(gemm_blocked_tt, A_T, B_ROW_T)
#undef B_AT_SCALAR

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
