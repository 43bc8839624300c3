// Int8 quantisation: round half to even, NaN to the zero point, saturating int32 GEMM.
#include "harmonics_cuda.cuh"

extern "C" __global__ void hx_quantize(const float* x, signed char* q, i64 n, float scale,
                                       int zeroPoint) {
  HX_FOR(i, n) {
    float scaled = x[i] / scale;
    if (isnan(scaled)) {
      q[i] = (signed char)zeroPoint;
    } else {
      double rounded = (double)rintf(scaled) + zeroPoint;
      q[i] = (signed char)fmin(fmax(rounded, -128.0), 127.0);
    }
  }
}

extern "C" __global__ void hx_dequantize(const signed char* q, float* x, i64 n, float scale,
                                         int zeroPoint) {
  HX_FOR(i, n) { x[i] = __fmul_rn((float)(q[i] - zeroPoint), scale); }
}

// c[m, n] = a[m, k] * b[k, n] in 64-bit, saturated to int32.
extern "C" __global__ void hx_gemm_int8(const signed char* a, const signed char* b, int* c, int m,
                                        int n, int k) {
  i64 total = (i64)m * n;
  HX_FOR(t, total) {
    int i = (int)(t / n), j = (int)(t % n);
    long long sum = 0;
    for (int p = 0; p < k; p++) sum += (int)a[(i64)i * k + p] * (int)b[(i64)p * n + j];
    c[t] = (int)(sum > 2147483647LL ? 2147483647LL : sum < -2147483648LL ? -2147483648LL : sum);
  }
}
