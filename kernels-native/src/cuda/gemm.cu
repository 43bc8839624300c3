// The GEMM epilogue: cuBLAS computes alpha * A B + beta * C; this adds the bias per column and
// applies the activation, as kernels-java's fused GEMM defines it.
#include "harmonics_cuda.cuh"

extern "C" __global__ void hx_gemm_epilogue(float* c, const float* bias, i64 rows, int columns,
                                            int activation, float activationAlpha) {
  i64 n = rows * columns;
  HX_FOR(i, n) {
    double value = c[i];
    if (bias) value += bias[i % columns];
    c[i] = (float)hx_act(activation, (float)value, activationAlpha);
  }
}
