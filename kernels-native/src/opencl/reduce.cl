// Reductions: one work-item per output (a line, a row, a channel), summing in acc_t.

// x seen as [outer, length, inner]; one work-item per (outer, inner) line along `length`. Every
// input of a line is read before any output is written, so y may be x.
__kernel void softmax_forward(__global const float* x, __global float* y, int outer, int length,
                              int inner, int logOut) {
  long line = get_global_id(0);
  if (line >= (long) outer * inner) {
    return;
  }
  long base = (line / inner) * (long) length * inner + line % inner;
  acc_t max = -INFINITY;
  for (int l = 0; l < length; l++) {
    max = nan_max(max, (acc_t) x[base + (long) l * inner]);
  }
  acc_t sum = 0;
  for (int l = 0; l < length; l++) {
    sum += exp((acc_t) x[base + (long) l * inner] - max);
  }
  acc_t logSum = log(sum);
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    acc_t shifted = (acc_t) x[i] - max;
    y[i] = (float) (logOut ? shifted - logSum : exp(shifted) / sum);
  }
}

__kernel void softmax_backward(__global const float* y, __global const float* dy,
                               __global float* dx, int outer, int length, int inner, int logIn) {
  long line = get_global_id(0);
  if (line >= (long) outer * inner) {
    return;
  }
  long base = (line / inner) * (long) length * inner + line % inner;
  acc_t s = 0;
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    s += logIn ? (acc_t) dy[i] : (acc_t) dy[i] * (acc_t) y[i];
  }
  for (int l = 0; l < length; l++) {
    long i = base + (long) l * inner;
    acc_t yi = y[i];
    acc_t gi = dy[i];
    dx[i] = (float) (logIn ? gi - exp(yi) * s : yi * (gi - s));
  }
}
