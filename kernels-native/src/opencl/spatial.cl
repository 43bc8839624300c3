// Spatial kernels over NCHW tensors: convolution and pooling, one work-item per output element,
// each gathering its defining sum (no atomics, so sums have a fixed order).
//
// Convolution geometry, an int16: n, c, h, w (input), o, oh, ow (output), kh, kw, strideH,
// strideW, padH, padW, dilationH, dilationW, groups. Forward weights are [O, C / g, KH, KW],
// transposed ones [C, O / g, KH, KW]. A tap that reads the zero padding multiplies the zero, so a
// NaN or infinite weight gives NaN there as it would on an explicitly padded input.

#define G_N g.s0
#define G_C g.s1
#define G_H g.s2
#define G_W g.s3
#define G_O g.s4
#define G_OH g.s5
#define G_OW g.s6
#define G_KH g.s7
#define G_KW g.s8
#define G_SH g.s9
#define G_SW g.sa
#define G_PH g.sb
#define G_PW g.sc
#define G_DH g.sd
#define G_DW g.se
#define G_GROUPS g.sf

// The output coordinate whose tap `k` reads input coordinate `in`, or -1 when none does.
inline int tap_source(int in, int k, int stride, int pad, int dilation, int size) {
  int t = in + pad - k * dilation;
  if (t < 0 || t % stride != 0) {
    return -1;
  }
  t /= stride;
  return t < size ? t : -1;
}

__kernel void conv_forward(__global const float* x, __global const float* wt,
                           __global const float* bias, int hasBias, int16 g,
                           __global float* y) {
  long yi = get_global_id(0);
  long total = (long) G_N * G_O * G_OH * G_OW;
  if (yi >= total) {
    return;
  }
  int j = yi % G_OW;
  int i = (yi / G_OW) % G_OH;
  int oc = (yi / ((long) G_OW * G_OH)) % G_O;
  int b = yi / ((long) G_OW * G_OH * G_O);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  int first = (oc / og) * cg;
  acc_t sum = hasBias ? (acc_t) bias[oc] : (acc_t) 0;
  for (int ic = 0; ic < cg; ic++) {
    for (int u = 0; u < G_KH; u++) {
      int ih = i * G_SH - G_PH + u * G_DH;
      for (int v = 0; v < G_KW; v++) {
        int iw = j * G_SW - G_PW + v * G_DW;
        float value = ih >= 0 && ih < G_H && iw >= 0 && iw < G_W
            ? x[(((long) b * G_C + first + ic) * G_H + ih) * G_W + iw] : 0.0f;
        sum += (acc_t) wt[(((long) oc * cg + ic) * G_KH + u) * G_KW + v] * (acc_t) value;
      }
    }
  }
  y[yi] = (float) sum;
}

// dx[b, c, ih, iw] = sum over the outputs and taps that read it of w * dy.
__kernel void conv_backward_input(__global const float* dy, __global const float* wt, int16 g,
                                  __global float* dx) {
  long xi = get_global_id(0);
  long total = (long) G_N * G_C * G_H * G_W;
  if (xi >= total) {
    return;
  }
  int iw = xi % G_W;
  int ih = (xi / G_W) % G_H;
  int c = (xi / ((long) G_W * G_H)) % G_C;
  int b = xi / ((long) G_W * G_H * G_C);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  int group = c / cg;
  acc_t sum = 0;
  for (int oc = group * og; oc < (group + 1) * og; oc++) {
    for (int u = 0; u < G_KH; u++) {
      int i = tap_source(ih, u, G_SH, G_PH, G_DH, G_OH);
      if (i < 0) {
        continue;
      }
      for (int v = 0; v < G_KW; v++) {
        int j = tap_source(iw, v, G_SW, G_PW, G_DW, G_OW);
        if (j < 0) {
          continue;
        }
        sum += (acc_t) wt[(((long) oc * cg + (c - group * cg)) * G_KH + u) * G_KW + v]
            * (acc_t) dy[(((long) b * G_O + oc) * G_OH + i) * G_OW + j];
      }
    }
  }
  dx[xi] = (float) sum;
}

// dw[oc, ic, u, v] = sum over batch and output positions of dy * x (0 in the padding).
__kernel void conv_backward_weight(__global const float* x, __global const float* dy, int16 g,
                                   __global float* dw) {
  long wi = get_global_id(0);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  long total = (long) G_O * cg * G_KH * G_KW;
  if (wi >= total) {
    return;
  }
  int v = wi % G_KW;
  int u = (wi / G_KW) % G_KH;
  int ic = (wi / ((long) G_KW * G_KH)) % cg;
  int oc = wi / ((long) G_KW * G_KH * cg);
  int channel = (oc / og) * cg + ic;
  acc_t sum = 0;
  for (int b = 0; b < G_N; b++) {
    for (int i = 0; i < G_OH; i++) {
      int ih = i * G_SH - G_PH + u * G_DH;
      for (int j = 0; j < G_OW; j++) {
        int iw = j * G_SW - G_PW + v * G_DW;
        float value = ih >= 0 && ih < G_H && iw >= 0 && iw < G_W
            ? x[(((long) b * G_C + channel) * G_H + ih) * G_W + iw] : 0.0f;
        sum += (acc_t) dy[(((long) b * G_O + oc) * G_OH + i) * G_OW + j] * (acc_t) value;
      }
    }
  }
  dw[wi] = (float) sum;
}

// dbias[oc] = sum over n, h, w of dy[n, oc, h, w].
__kernel void conv_bias_gradient(__global const float* dy, int n, int o, int plane,
                                 __global float* dbias) {
  int oc = get_global_id(0);
  if (oc >= o) {
    return;
  }
  acc_t sum = 0;
  for (int b = 0; b < n; b++) {
    __global const float* row = dy + ((long) b * o + oc) * plane;
    for (int i = 0; i < plane; i++) {
      sum += row[i];
    }
  }
  dbias[oc] = (float) sum;
}

// Transposed convolution: y[b, oc, oy, ox] = bias + sum over the inputs that scatter into it.
__kernel void conv_transpose_forward(__global const float* x, __global const float* wt,
                                     __global const float* bias, int hasBias, int16 g,
                                     __global float* y) {
  long yi = get_global_id(0);
  long total = (long) G_N * G_O * G_OH * G_OW;
  if (yi >= total) {
    return;
  }
  int ox = yi % G_OW;
  int oy = (yi / G_OW) % G_OH;
  int oc = (yi / ((long) G_OW * G_OH)) % G_O;
  int b = yi / ((long) G_OW * G_OH * G_O);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  int group = oc / og;
  acc_t sum = hasBias ? (acc_t) bias[oc] : (acc_t) 0;
  for (int ic = group * cg; ic < (group + 1) * cg; ic++) {
    for (int u = 0; u < G_KH; u++) {
      int i = tap_source(oy, u, G_SH, G_PH, G_DH, G_H);
      if (i < 0) {
        continue;
      }
      for (int v = 0; v < G_KW; v++) {
        int j = tap_source(ox, v, G_SW, G_PW, G_DW, G_W);
        if (j < 0) {
          continue;
        }
        sum += (acc_t) wt[(((long) ic * og + (oc - group * og)) * G_KH + u) * G_KW + v]
            * (acc_t) x[(((long) b * G_C + ic) * G_H + i) * G_W + j];
      }
    }
  }
  y[yi] = (float) sum;
}

// dx[b, ic, i, j] = sum over its taps of w * dy (0 where the tap lands in the cropped padding).
__kernel void conv_transpose_backward_input(__global const float* dy, __global const float* wt,
                                            int16 g, __global float* dx) {
  long xi = get_global_id(0);
  long total = (long) G_N * G_C * G_H * G_W;
  if (xi >= total) {
    return;
  }
  int j = xi % G_W;
  int i = (xi / G_W) % G_H;
  int ic = (xi / ((long) G_W * G_H)) % G_C;
  int b = xi / ((long) G_W * G_H * G_C);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  int firstOut = (ic / cg) * og;
  acc_t sum = 0;
  for (int oc = 0; oc < og; oc++) {
    for (int u = 0; u < G_KH; u++) {
      int oy = i * G_SH - G_PH + u * G_DH;
      for (int v = 0; v < G_KW; v++) {
        int ox = j * G_SW - G_PW + v * G_DW;
        float value = oy >= 0 && oy < G_OH && ox >= 0 && ox < G_OW
            ? dy[(((long) b * G_O + firstOut + oc) * G_OH + oy) * G_OW + ox] : 0.0f;
        sum += (acc_t) wt[(((long) ic * og + oc) * G_KH + u) * G_KW + v] * (acc_t) value;
      }
    }
  }
  dx[xi] = (float) sum;
}

// dw[ic, oc, u, v] = sum over batch and input positions of x * dy (0 in the cropped padding).
__kernel void conv_transpose_backward_weight(__global const float* x, __global const float* dy,
                                             int16 g, __global float* dw) {
  long wi = get_global_id(0);
  int cg = G_C / G_GROUPS;
  int og = G_O / G_GROUPS;
  long total = (long) G_C * og * G_KH * G_KW;
  if (wi >= total) {
    return;
  }
  int v = wi % G_KW;
  int u = (wi / G_KW) % G_KH;
  int oc = (wi / ((long) G_KW * G_KH)) % og;
  int ic = wi / ((long) G_KW * G_KH * og);
  int channel = (ic / cg) * og + oc;
  acc_t sum = 0;
  for (int b = 0; b < G_N; b++) {
    for (int i = 0; i < G_H; i++) {
      int oy = i * G_SH - G_PH + u * G_DH;
      for (int j = 0; j < G_W; j++) {
        int ox = j * G_SW - G_PW + v * G_DW;
        float value = oy >= 0 && oy < G_OH && ox >= 0 && ox < G_OW
            ? dy[(((long) b * G_O + channel) * G_OH + oy) * G_OW + ox] : 0.0f;
        sum += (acc_t) x[(((long) b * G_C + ic) * G_H + i) * G_W + j] * (acc_t) value;
      }
    }
  }
  dw[wi] = (float) sum;
}

// Pooling geometry, an int16: planes (N * C), h, w, oh, ow, kh, kw, strideH, strideW, padH,
// padW, dilationH, dilationW, countIncludePad.
#define P_PLANES p.s0
#define P_H p.s1
#define P_W p.s2
#define P_OH p.s3
#define P_OW p.s4
#define P_KH p.s5
#define P_KW p.s6
#define P_SH p.s7
#define P_SW p.s8
#define P_PH p.s9
#define P_PW p.sa
#define P_DH p.sb
#define P_DW p.sc
#define P_INCLUDE_PAD p.sd

// The first maximum of the window, or its first NaN; arg is its index in the input plane.
__kernel void max_pool_forward(__global const float* x, int16 p, __global float* y,
                               int hasIndices, __global int* indices) {
  long yi = get_global_id(0);
  if (yi >= (long) P_PLANES * P_OH * P_OW) {
    return;
  }
  int j = yi % P_OW;
  int i = (yi / P_OW) % P_OH;
  long plane = yi / ((long) P_OW * P_OH);
  __global const float* in = x + plane * P_H * P_W;
  float best = NAN;
  int bestIndex = -1;
  for (int u = 0; u < P_KH; u++) {
    int ih = i * P_SH - P_PH + u * P_DH;
    if (ih < 0 || ih >= P_H) {
      continue;
    }
    for (int v = 0; v < P_KW; v++) {
      int iw = j * P_SW - P_PW + v * P_DW;
      if (iw < 0 || iw >= P_W) {
        continue;
      }
      float value = in[ih * P_W + iw];
      if (bestIndex < 0 || value > best || (isnan(value) && !isnan(best))) {
        best = value;
        bestIndex = ih * P_W + iw;
      }
    }
  }
  y[yi] = best;
  if (hasIndices) {
    indices[yi] = bestIndex;
  }
}

// dx[plane, k] = sum of dy over the plane's outputs whose argmax is k, added in output order.
// The indices can point anywhere in the plane, so one work-item per plane scatters them.
__kernel void max_pool_backward(__global const float* dy, __global const int* indices,
                                int planes, int planeSize, int outPlane, __global float* dx) {
  int plane = get_global_id(0);
  if (plane >= planes) {
    return;
  }
  __global float* out = dx + (long) plane * planeSize;
  for (int k = 0; k < planeSize; k++) {
    out[k] = 0.0f;
  }
  long base = (long) plane * outPlane;
  for (int o = 0; o < outPlane; o++) {
    out[indices[base + o]] += dy[base + o];
  }
}

// The taps of window (i, j) inside the input, or inside the padded input.
inline int avg_divisor(int16 p, int i, int j) {
  int count = 0;
  for (int u = 0; u < P_KH; u++) {
    int ih = i * P_SH - P_PH + u * P_DH;
    for (int v = 0; v < P_KW; v++) {
      int iw = j * P_SW - P_PW + v * P_DW;
      int inside = P_INCLUDE_PAD
          ? ih >= -P_PH && ih < P_H + P_PH && iw >= -P_PW && iw < P_W + P_PW
          : ih >= 0 && ih < P_H && iw >= 0 && iw < P_W;
      count += inside ? 1 : 0;
    }
  }
  return count;
}

__kernel void avg_pool_forward(__global const float* x, int16 p, __global float* y) {
  long yi = get_global_id(0);
  if (yi >= (long) P_PLANES * P_OH * P_OW) {
    return;
  }
  int j = yi % P_OW;
  int i = (yi / P_OW) % P_OH;
  long plane = yi / ((long) P_OW * P_OH);
  __global const float* in = x + plane * P_H * P_W;
  acc_t sum = 0;
  for (int u = 0; u < P_KH; u++) {
    int ih = i * P_SH - P_PH + u * P_DH;
    for (int v = 0; v < P_KW; v++) {
      int iw = j * P_SW - P_PW + v * P_DW;
      if (ih >= 0 && ih < P_H && iw >= 0 && iw < P_W) {
        sum += in[ih * P_W + iw];
      }
    }
  }
  y[yi] = (float) (sum / (acc_t) avg_divisor(p, i, j));
}

__kernel void avg_pool_backward(__global const float* dy, int16 p, __global float* dx) {
  long xi = get_global_id(0);
  if (xi >= (long) P_PLANES * P_H * P_W) {
    return;
  }
  int k = xi % (P_H * P_W);
  int iw = k % P_W;
  int ih = k / P_W;
  long base = (xi / ((long) P_H * P_W)) * P_OH * P_OW;
  acc_t sum = 0;
  for (int u = P_KH - 1; u >= 0; u--) {
    int i = tap_source(ih, u, P_SH, P_PH, P_DH, P_OH);
    if (i < 0) {
      continue;
    }
    for (int v = P_KW - 1; v >= 0; v--) {
      int j = tap_source(iw, v, P_SW, P_PW, P_DW, P_OW);
      if (j >= 0) {
        sum += (acc_t) dy[base + i * P_OW + j] / (acc_t) avg_divisor(p, i, j);
      }
    }
  }
  dx[xi] = (float) sum;
}

__kernel void global_avg_forward(__global const float* x, int planes, int planeSize,
                                 __global float* y) {
  int plane = get_global_id(0);
  if (plane >= planes) {
    return;
  }
  acc_t sum = 0;
  for (int i = 0; i < planeSize; i++) {
    sum += x[(long) plane * planeSize + i];
  }
  y[plane] = (float) (sum / (acc_t) planeSize);
}

__kernel void global_avg_backward(__global const float* dy, int planes, int planeSize,
                                  __global float* dx) {
  long i = get_global_id(0);
  if (i < (long) planes * planeSize) {
    dx[i] = (float) ((acc_t) dy[i / planeSize] / (acc_t) planeSize);
  }
}
