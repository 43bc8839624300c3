// Element-wise kernels: one work-item per output element unless noted.

__kernel void activation_forward(int f, float alpha, __global const float* x, __global float* y,
                                 long n) {
  long i = get_global_id(0);
  if (i < n) {
    y[i] = (float) act_apply(f, (acc_t) x[i], (acc_t) alpha);
  }
}

__kernel void activation_backward(int f, float alpha, __global const float* x,
                                  __global const float* dy, __global float* dx, long n) {
  long i = get_global_id(0);
  if (i < n) {
    dx[i] = (float) ((acc_t) dy[i] * act_derivative(f, (acc_t) x[i], (acc_t) alpha));
  }
}

// x seen as [outer, channels, inner]; slope[c] per channel.
__kernel void prelu_forward(__global const float* x, __global const float* slope, int channels,
                            int inner, __global float* y, long n) {
  long i = get_global_id(0);
  if (i < n) {
    int c = (int) ((i / inner) % channels);
    y[i] = (float) act_apply(ACT_PRELU, (acc_t) x[i], (acc_t) slope[c]);
  }
}

__kernel void prelu_backward_input(__global const float* x, __global const float* slope,
                                   __global const float* dy, int channels, int inner,
                                   __global float* dx, long n) {
  long i = get_global_id(0);
  if (i < n) {
    int c = (int) ((i / inner) % channels);
    dx[i] = (float) ((acc_t) dy[i] * act_derivative(ACT_PRELU, (acc_t) x[i], (acc_t) slope[c]));
  }
}

// One work-item per channel: dslope[c] = sum of x * dy where x is not positive.
__kernel void prelu_backward_slope(__global const float* x, __global const float* dy, int outer,
                                   int channels, int inner, __global float* dslope) {
  int c = get_global_id(0);
  if (c >= channels) {
    return;
  }
  acc_t sum = 0;
  for (int o = 0; o < outer; o++) {
    long base = ((long) o * channels + c) * inner;
    for (int k = 0; k < inner; k++) {
      float v = x[base + k];
      if (!(v > 0)) {
        sum += (acc_t) v * (acc_t) dy[base + k];
      }
    }
  }
  dslope[c] = (float) sum;
}

// out = a op b with NumPy broadcasting: shapes and strides as in offset8.
__kernel void binary_forward(int op, __global const float* a, int8 aStrides,
                             __global const float* b, int8 bStrides, __global float* out,
                             int8 shape, long n) {
  long i = get_global_id(0);
  if (i < n) {
    out[i] = binary_op(op, a[offset8(i, shape, aStrides)], b[offset8(i, shape, bStrides)]);
  }
}

// The gradient of one operand of a broadcast binary op. One work-item per element of the operand
// (`target` selects a or b); it sums over the output positions that read that element: the
// dimensions along which the operand is broadcast (`reducedShape`, 1 elsewhere), visited in
// row-major order. `targetShape` is the operand's own shape padded to the output's rank.
__kernel void binary_backward(int op, int target, __global const float* a, int8 aStrides,
                              __global const float* b, int8 bStrides, __global const float* dy,
                              int8 shape, int8 targetShape, int8 reducedShape, long reducedCount,
                              __global float* grad, long n) {
  long q = get_global_id(0);
  if (q >= n) {
    return;
  }
  int s[8] = {shape.s0, shape.s1, shape.s2, shape.s3, shape.s4, shape.s5, shape.s6, shape.s7};
  int ts[8] = {targetShape.s0, targetShape.s1, targetShape.s2, targetShape.s3, targetShape.s4,
               targetShape.s5, targetShape.s6, targetShape.s7};
  int rs[8] = {reducedShape.s0, reducedShape.s1, reducedShape.s2, reducedShape.s3,
               reducedShape.s4, reducedShape.s5, reducedShape.s6, reducedShape.s7};
  int base[8];
  long rest = q;
  for (int d = 7; d >= 0; d--) {
    base[d] = (int) (rest % ts[d]);
    rest /= ts[d];
  }
  acc_t sum = 0;
  for (long r = 0; r < reducedCount; r++) {
    long flat = 0;
    long rr = r;
    int coord[8];
    for (int d = 7; d >= 0; d--) {
      coord[d] = rs[d] > 1 ? (int) (rr % rs[d]) : base[d];
      if (rs[d] > 1) {
        rr /= rs[d];
      }
    }
    for (int d = 0; d < 8; d++) {
      flat = flat * s[d] + coord[d];
    }
    acc_t g = dy[flat];
    acc_t x = a[offset8(flat, shape, aStrides)];
    acc_t y = b[offset8(flat, shape, bStrides)];
    if (target == 0) {
      switch (op) {
        case OP_ADD:
        case OP_SUB: sum += g; break;
        case OP_MUL: sum += g * y; break;
        default: sum += g / y; break;
      }
    } else {
      switch (op) {
        case OP_ADD: sum += g; break;
        case OP_SUB: sum -= g; break;
        case OP_MUL: sum += g * x; break;
        default: sum -= g * x / (y * y); break;
      }
    }
  }
  grad[q] = (float) sum;
}

__kernel void scalar_op(int op, __global const float* x, float s, __global float* out, long n) {
  long i = get_global_id(0);
  if (i < n) {
    out[i] = binary_op(op, x[i], s);
  }
}

__kernel void axpy(float alpha, __global const float* x, __global float* y, long n) {
  long i = get_global_id(0);
  if (i < n) {
    y[i] = fma(alpha, x[i], y[i]);
  }
}

__kernel void scale(__global float* x, float factor, long n) {
  long i = get_global_id(0);
  if (i < n) {
    x[i] = x[i] * factor;
  }
}

// Round half to even; NaN maps to the zero point; saturated to int8.
__kernel void quantize(__global const float* x, float scale, int zeroPoint, __global char* q,
                       long n) {
  long i = get_global_id(0);
  if (i < n) {
    float scaled = x[i] / scale;
    if (isnan(scaled)) {
      q[i] = (char) zeroPoint;
    } else {
      float rounded = rint(scaled) + (float) zeroPoint;
      q[i] = (char) clamp(rounded, -128.0f, 127.0f);
    }
  }
}

__kernel void dequantize(__global const char* q, float scale, int zeroPoint, __global float* x,
                         long n) {
  long i = get_global_id(0);
  if (i < n) {
    x[i] = (float) ((int) q[i] - zeroPoint) * scale;
  }
}

// Optimizers: one work-item per parameter, state rounded to float when stored (as the reference).
// Hyper-parameters arrive as acc_t; `step` corrections are computed on the host.

__kernel void sgd_update(acc_t lr, acc_t momentum, acc_t dampening, acc_t weightDecay,
                         int nesterov, int firstStep, __global float* p,
                         __global const float* g, __global float* buf, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  acc_t pi = p[i];
  acc_t gi = g[i];
  if (weightDecay != 0) {
    gi += weightDecay * pi;
  }
  if (momentum != 0) {
    float bi = firstStep ? (float) gi
        : (float) (momentum * (acc_t) buf[i] + ((acc_t) 1 - dampening) * gi);
    buf[i] = bi;
    gi = nesterov ? gi + momentum * (acc_t) bi : (acc_t) bi;
  }
  p[i] = (float) (pi - lr * gi);
}

__kernel void adam_update(acc_t lr, acc_t beta1, acc_t beta2, acc_t eps, acc_t weightDecay,
                          int decoupled, acc_t correction1, acc_t correction2,
                          __global float* p, __global const float* g, __global float* m,
                          __global float* v, int amsgrad, __global float* vMax, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  acc_t pi = p[i];
  acc_t gi = g[i];
  if (decoupled) {
    pi *= (acc_t) 1 - lr * weightDecay;
  } else if (weightDecay != 0) {
    gi += weightDecay * pi;
  }
  float mi = (float) (beta1 * (acc_t) m[i] + ((acc_t) 1 - beta1) * gi);
  float vi = (float) (beta2 * (acc_t) v[i] + ((acc_t) 1 - beta2) * gi * gi);
  m[i] = mi;
  v[i] = vi;
  if (amsgrad) {
    vi = isnan(vMax[i]) || isnan(vi) ? NAN : fmax(vMax[i], vi);
    vMax[i] = vi;
  }
  acc_t denominator = sqrt((acc_t) vi) / sqrt(correction2) + eps;
  p[i] = (float) (pi - lr / correction1 * (acc_t) mi / denominator);
}

__kernel void rmsprop_update(acc_t lr, acc_t alpha, acc_t eps, acc_t momentum,
                             acc_t weightDecay, __global float* p, __global const float* g,
                             __global float* squareAvg, int hasMomentum, __global float* buf,
                             int centered, __global float* gradAvg, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  acc_t pi = p[i];
  acc_t gi = g[i];
  if (weightDecay != 0) {
    gi += weightDecay * pi;
  }
  float si = (float) (alpha * (acc_t) squareAvg[i] + ((acc_t) 1 - alpha) * gi * gi);
  squareAvg[i] = si;
  acc_t variance = si;
  if (centered) {
    float ai = (float) (alpha * (acc_t) gradAvg[i] + ((acc_t) 1 - alpha) * gi);
    gradAvg[i] = ai;
    variance -= (acc_t) ai * (acc_t) ai;
  }
  acc_t denominator = sqrt(variance) + eps;
  if (hasMomentum) {
    float bi = (float) (momentum * (acc_t) buf[i] + gi / denominator);
    buf[i] = bi;
    p[i] = (float) (pi - lr * (acc_t) bi);
  } else {
    p[i] = (float) (pi - lr * gi / denominator);
  }
}

inline acc_t lamb_direction(acc_t correction1, acc_t correction2, acc_t eps, acc_t weightDecay,
                            acc_t p, acc_t m, acc_t v) {
  acc_t u = (m / correction1) / (sqrt(v / correction2) + eps);
  return weightDecay != 0 ? u + weightDecay * p : u;
}

// LAMB pass 1, one work-item per chunk: updates the moments and writes the chunk's sums of p^2
// and u^2 (partials[2c], partials[2c + 1]).
__kernel void lamb_moments(acc_t beta1, acc_t beta2, acc_t eps, acc_t weightDecay,
                           acc_t correction1, acc_t correction2, __global const float* p,
                           __global const float* g, __global float* m, __global float* v,
                           long n, int chunk, __global acc_t* partials, long chunks) {
  long c = get_global_id(0);
  if (c >= chunks) {
    return;
  }
  acc_t paramSquares = 0;
  acc_t updateSquares = 0;
  long end = min(n, (c + 1) * (long) chunk);
  for (long i = c * (long) chunk; i < end; i++) {
    acc_t gi = g[i];
    float mi = (float) (beta1 * (acc_t) m[i] + ((acc_t) 1 - beta1) * gi);
    float vi = (float) (beta2 * (acc_t) v[i] + ((acc_t) 1 - beta2) * gi * gi);
    m[i] = mi;
    v[i] = vi;
    acc_t pi = p[i];
    acc_t ui = lamb_direction(correction1, correction2, eps, weightDecay, pi, mi, vi);
    paramSquares += pi * pi;
    updateSquares += ui * ui;
  }
  partials[2 * c] = paramSquares;
  partials[2 * c + 1] = updateSquares;
}

// LAMB pass 2 (one work-item): the trust ratio ||p|| / ||u||, 1 when either norm is 0.
__kernel void lamb_trust(__global const acc_t* partials, long chunks, __global acc_t* trust) {
  if (get_global_id(0) != 0) {
    return;
  }
  acc_t paramSquares = 0;
  acc_t updateSquares = 0;
  for (long c = 0; c < chunks; c++) {
    paramSquares += partials[2 * c];
    updateSquares += partials[2 * c + 1];
  }
  trust[0] = paramSquares == 0 || updateSquares == 0
      ? (acc_t) 1 : sqrt(paramSquares) / sqrt(updateSquares);
}

// LAMB pass 3: p -= lr * trust * u.
__kernel void lamb_apply(acc_t lr, acc_t eps, acc_t weightDecay, acc_t correction1,
                         acc_t correction2, __global float* p, __global const float* m,
                         __global const float* v, __global const acc_t* trust, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  acc_t pi = p[i];
  acc_t ui = lamb_direction(correction1, correction2, eps, weightDecay, pi, m[i], v[i]);
  p[i] = (float) (pi - lr * trust[0] * ui);
}

// Philox-4x32-10 (Salmon et al., SC 2011), as dev.harmonics.kernel.random.Philox4x32.
inline uint4 philox4x32_10(uint4 ctr, uint2 key) {
  for (int round = 0; round < 10; round++) {
    uint lo0 = 0xD2511F53u * ctr.x;
    uint hi0 = mul_hi(0xD2511F53u, ctr.x);
    uint lo1 = 0xCD9E8D57u * ctr.z;
    uint hi1 = mul_hi(0xCD9E8D57u, ctr.z);
    ctr = (uint4) (hi1 ^ ctr.y ^ key.x, lo1, hi0 ^ ctr.w ^ key.y, lo0);
    key += (uint2) (0x9E3779B9u, 0xBB67AE85u);
  }
  return ctr;
}

// The 32 random bits of element `index` (DropoutKernels.randomBits): block 16 * (i / 64) + i % 16,
// word (i / 16) % 4, so 64 consecutive elements share 16 blocks.
inline uint dropout_bits(ulong seed, ulong offset, ulong index) {
  ulong block = 16 * (index >> 6) + (index & 15);
  uint4 out = philox4x32_10((uint4) ((uint) block, (uint) (block >> 32), (uint) offset,
                                     (uint) (offset >> 32)),
                            (uint2) ((uint) seed, (uint) (seed >> 32)));
  switch ((index >> 4) & 3) {
    case 0: return out.x;
    case 1: return out.y;
    case 2: return out.z;
    default: return out.w;
  }
}

// y = x * (keep ? scale : 0) with keep = bits >= threshold (threshold up to 2^32: drop all).
__kernel void dropout_forward(__global const float* x, ulong threshold, float scale, ulong seed,
                              ulong offset, __global float* y, int hasMask,
                              __global char* mask, long n) {
  long i = get_global_id(0);
  if (i >= n) {
    return;
  }
  int keep = (ulong) dropout_bits(seed, offset, (ulong) i) >= threshold;
  y[i] = x[i] * (keep ? scale : 0.0f);
  if (hasMask) {
    mask[i] = (char) keep;
  }
}

__kernel void dropout_backward(__global const float* dy, __global const char* mask, float scale,
                               __global float* dx, long n) {
  long i = get_global_id(0);
  if (i < n) {
    dx[i] = dy[i] * (mask[i] != 0 ? scale : 0.0f);
  }
}
