// Fused optimizer updates: one pass over memory, arithmetic in double, state stored as float.
#include "harmonics_cuda.cuh"

// momentumBuffer may be null when momentum is 0. firstStep = 1 on step 1.
extern "C" __global__ void hx_sgd(float* param, const float* grad, float* momentumBuffer, i64 n,
                                  double lr, double momentum, double dampening,
                                  double weightDecay, int nesterov, int firstStep) {
  HX_FOR(i, n) {
    double p = param[i], g = grad[i];
    if (weightDecay != 0) g += weightDecay * p;
    if (momentum != 0) {
      float b = firstStep ? (float)g
                          : (float)(momentum * momentumBuffer[i] + (1 - dampening) * g);
      momentumBuffer[i] = b;
      g = nesterov ? g + momentum * b : b;
    }
    param[i] = (float)(p - lr * g);
  }
}

// vMax is null unless AMSGrad. correction1/2 = 1 - beta^step, computed by the host.
extern "C" __global__ void hx_adam(float* param, const float* grad, float* m, float* v,
                                   float* vMax, i64 n, double lr, double beta1, double beta2,
                                   double eps, double weightDecay, int decoupled,
                                   double correction1, double correction2) {
  HX_FOR(i, n) {
    double p = param[i], g = grad[i];
    if (decoupled) {
      p *= 1 - lr * weightDecay;
    } else if (weightDecay != 0) {
      g += weightDecay * p;
    }
    float mi = (float)(beta1 * m[i] + (1 - beta1) * g);
    float vi = (float)(beta2 * v[i] + (1 - beta2) * g * g);
    m[i] = mi;
    v[i] = vi;
    if (vMax) {
      vi = (float)hx_max(vMax[i], vi);
      vMax[i] = vi;
    }
    double denominator = sqrt((double)vi) / sqrt(correction2) + eps;
    param[i] = (float)(p - lr / correction1 * mi / denominator);
  }
}

// momentumBuffer and gradAvg may be null (no momentum; not centered).
extern "C" __global__ void hx_rmsprop(float* param, const float* grad, float* squareAvg,
                                      float* momentumBuffer, float* gradAvg, i64 n, double lr,
                                      double alpha, double eps, double momentum,
                                      double weightDecay) {
  HX_FOR(i, n) {
    double p = param[i], g = grad[i];
    if (weightDecay != 0) g += weightDecay * p;
    float s = (float)(alpha * squareAvg[i] + (1 - alpha) * g * g);
    squareAvg[i] = s;
    double variance = s;
    if (gradAvg) {
      float a = (float)(alpha * gradAvg[i] + (1 - alpha) * g);
      gradAvg[i] = a;
      variance -= (double)a * a;
    }
    double denominator = sqrt(variance) + eps;
    if (momentumBuffer) {
      float b = (float)(momentum * momentumBuffer[i] + g / denominator);
      momentumBuffer[i] = b;
      param[i] = (float)(p - lr * b);
    } else {
      param[i] = (float)(p - lr * g / denominator);
    }
  }
}

__device__ inline double hx_lamb_direction(double p, double m, double v, double eps,
                                           double weightDecay, double correction1,
                                           double correction2) {
  double u = (m / correction1) / (sqrt(v / correction2) + eps);
  return weightDecay != 0 ? u + weightDecay * p : u;
}

// LAMB, pass 1: updates m and v; partials[2 * block] and [2 * block + 1] receive this block's
// sums of param^2 and update^2.
extern "C" __global__ void hx_lamb_moments(const float* param, const float* grad, float* m,
                                           float* v, i64 n, double beta1, double beta2,
                                           double eps, double weightDecay, double correction1,
                                           double correction2, double* partials) {
  __shared__ double scratch[HX_THREADS];
  double paramSquares = 0, updateSquares = 0;
  HX_FOR(i, n) {
    double g = grad[i];
    float mi = (float)(beta1 * m[i] + (1 - beta1) * g);
    float vi = (float)(beta2 * v[i] + (1 - beta2) * g * g);
    m[i] = mi;
    v[i] = vi;
    double p = param[i];
    double u = hx_lamb_direction(p, mi, vi, eps, weightDecay, correction1, correction2);
    paramSquares += p * p;
    updateSquares += u * u;
  }
  paramSquares = hx_block_sum(paramSquares, scratch);
  updateSquares = hx_block_sum(updateSquares, scratch);
  if (threadIdx.x == 0) {
    partials[2 * blockIdx.x] = paramSquares;
    partials[2 * blockIdx.x + 1] = updateSquares;
  }
}

// LAMB, pass 2: one block sums the partials in a fixed order into the trust ratio.
extern "C" __global__ void hx_lamb_trust(const double* partials, int blocks, double* trust) {
  __shared__ double scratch[HX_THREADS];
  double paramSquares = 0, updateSquares = 0;
  for (int b = threadIdx.x; b < blocks; b += blockDim.x) {
    paramSquares += partials[2 * b];
    updateSquares += partials[2 * b + 1];
  }
  paramSquares = hx_block_sum(paramSquares, scratch);
  updateSquares = hx_block_sum(updateSquares, scratch);
  if (threadIdx.x == 0) {
    trust[0] = paramSquares == 0 || updateSquares == 0
        ? 1 : sqrt(paramSquares) / sqrt(updateSquares);
  }
}

// LAMB, pass 3: the update scaled by the trust ratio.
extern "C" __global__ void hx_lamb_apply(float* param, const float* m, const float* v, i64 n,
                                         double lr, double eps, double weightDecay,
                                         double correction1, double correction2,
                                         const double* trust) {
  double ratio = trust[0];
  HX_FOR(i, n) {
    double p = param[i];
    double u = hx_lamb_direction(p, m[i], v[i], eps, weightDecay, correction1, correction2);
    param[i] = (float)(p - lr * ratio * u);
  }
}

extern "C" __global__ void hx_scale(float* x, i64 n, float factor) {
  HX_FOR(i, n) { x[i] = x[i] * factor; }
}
