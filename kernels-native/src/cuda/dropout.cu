// Inverted dropout with the Philox-4x32-10 mask kernels-java defines: element i's fate depends
// only on (seed, offset, i).
#include "harmonics_cuda.cuh"

__device__ inline unsigned int hx_philox_word(unsigned long long seed, unsigned long long offset,
                                              unsigned long long index) {
  unsigned long long block = 16 * (index >> 6) + (index & 15);
  unsigned int x0 = (unsigned int)block, x1 = (unsigned int)(block >> 32);
  unsigned int x2 = (unsigned int)offset, x3 = (unsigned int)(offset >> 32);
  unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
  for (int round = 0; round < 10; round++) {
    unsigned int hi0 = __umulhi(0xD2511F53u, x0), lo0 = 0xD2511F53u * x0;
    unsigned int hi1 = __umulhi(0xCD9E8D57u, x2), lo1 = 0xCD9E8D57u * x2;
    x0 = hi1 ^ x1 ^ k0;
    x1 = lo1;
    x2 = hi0 ^ x3 ^ k1;
    x3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  switch ((index >> 4) & 3) {
    case 0: return x0;
    case 1: return x1;
    case 2: return x2;
    default: return x3;
  }
}

// An element is kept when its random bits, unsigned, are at least `threshold` (up to 2^32).
extern "C" __global__ void hx_dropout_forward(const float* x, float* y, signed char* mask, i64 n,
                                              unsigned long long seed, unsigned long long offset,
                                              unsigned long long threshold, float scale) {
  HX_FOR(i, n) {
    bool keep = (unsigned long long)hx_philox_word(seed, offset, i) >= threshold;
    y[i] = x[i] * (keep ? scale : 0.0f);
    if (mask) mask[i] = keep ? 1 : 0;
  }
}

extern "C" __global__ void hx_dropout_backward(const float* dy, const signed char* mask,
                                               float* dx, i64 n, float scale) {
  HX_FOR(i, n) { dx[i] = dy[i] * (mask[i] != 0 ? scale : 0.0f); }
}
