/*
 * Row softmax and log-softmax, memory-bound: each row is read from memory once and written once.
 *
 * Per row: (1) the maximum, the one pass that reads the row from memory;
 * (2) e^(x - max) and its sum, kept in a stack buffer that stays in L1 (the exponential is the
 * coarse branch-free polynomial of hn_vec.h, 5e-7 relative against the 2e-5 softmax is held to,
 * with what would come out subnormal flushed to 0: softmax_exp); (3) the exponentials times
 * 1 / sum, written out. While (2) computes, it prefetches the next row one cache line per vector,
 * so that row's pass (1) finds it in cache and the memory reads overlap the arithmetic instead of
 * alternating with it.
 *
 * Large outputs are streamed (non-temporal stores), and there (3) runs one row behind, inside the
 * next row's pass (2): the buffer still holds row r - 1's exponentials when row r's are computed,
 * and each position is scaled and streamed out just before row r's value overwrites it. A pass (3)
 * of its own is a burst of stores with nothing to compute, during which one core's streaming
 * stores drain at well under the copy's rate; spread over pass (2) they overlap the arithmetic as
 * the reads do (docs/performance.md, "Eighth round"). Log-softmax needs no buffer: (2) only sums
 * and (3) writes (x - max) - log(sum).
 *
 * Rows holding NaN or +inf, or only -inf, come out all NaN, as in PyTorch: there x - max is NaN
 * somewhere, the exponential passes NaN through and the sum is NaN, which is the one check (the
 * streamed rows need none: their factor 1 / sum is NaN, which makes every output NaN).
 */
#include "hn_vec.h"

#include <math.h>

/* Sums are taken in float over blocks of this many elements and the blocks added in double. */
#define BLOCK 1024
/* Rows up to this long keep their exponentials in the stack buffer (32 KB and a vector, in L1). */
#define BUFFERED 8192

/*
 * Below this x - max an exponential counts as 0: e^-64 = 1.6e-28, which times 1 / sum >= 2^-31
 * stays above 2^-126, so no probability is subnormal either (hn_vec.h says why that matters;
 * here masked rows ran ten times slower, and every row ending in a partial vector, padded with
 * -inf, paid an assist). A probability under 1.6e-28 / sum is lost, far below softmax's
 * tolerances (2e-5 relative, 1e-9 absolute).
 */
#define NEGLIGIBLE (-64.0f)

/* e^d for d = x - max <= 0 (NaN gives NaN, d < NEGLIGIBLE 0): the coarse exponential. */
static inline vf softmax_exp(vf d) { return vexp_bounded_with(d, 1, NEGLIGIBLE); }

/*
 * A row whose exponentials wait in the buffer to be scaled and streamed out while the next row's
 * are computed into the same buffer. A row's exponentials start at buffer + shift, shift being its
 * output's offset in floats from a vector boundary, so that whole vectors of the buffer map to
 * aligned vectors of y whatever the row's length and y's alignment.
 */
typedef struct {
  const float *buffer;
  float *y;           /* buffer[k] * scale goes to y[k - shift] */
  int64_t shift;
  float scale;        /* 1 / sum, NaN for a NaN row, which makes the whole row NaN */
  int64_t unwritten;  /* the first vector of the buffer not yet written out */
  int64_t end;        /* the end of the row's whole vectors in the buffer */
} pending_row;

/*
 * Makes the row at buffer + vlane_offset(y) pending and writes its partial vectors at both ends
 * at once, so that only whole vectors are left to stream.
 */
static pending_row pending_start(const float *buffer, float *y, int64_t len, float scale) {
  pending_row p = {buffer, y, vlane_offset(y), scale, 0, 0};
  p.unwritten = p.shift == 0 ? 0 : HN_LANES;
  int64_t whole_end = (p.shift + len) / HN_LANES * HN_LANES;
  p.end = whole_end > p.unwritten ? whole_end : p.unwritten;
  int64_t row_end = p.shift + len;
  for (int64_t k = p.shift; k < p.unwritten && k < row_end; k++) y[k - p.shift] = buffer[k] * scale;
  for (int64_t k = p.end; k < row_end; k++) y[k - p.shift] = buffer[k] * scale;
  return p;
}

/* Streams out the pending row's vectors that start before buffer position limit. */
static inline void pending_write_before(pending_row *p, int64_t limit) {
  int64_t end = limit < p->end ? limit : p->end;
  for (; p->unwritten < end; p->unwritten += HN_LANES) {
    vstream(p->y + (p->unwritten - p->shift), vload(p->buffer + p->unwritten) * p->scale);
  }
}

/*
 * The row's maximum, NaN skipped (a NaN row is caught by its sum). Four running maxima, so the
 * pass runs at the speed of its loads rather than the latency of one chain of max instructions.
 */
static float row_max(const float *x, int64_t len) {
  vf a = (vf){0} - INFINITY, b = a, c = a, d = a;
  int64_t i = 0;
  for (; i + 4 * HN_LANES <= len; i += 4 * HN_LANES) {
    a = vmax(vload(x + i), a);
    b = vmax(vload(x + i + HN_LANES), b);
    c = vmax(vload(x + i + 2 * HN_LANES), c);
    d = vmax(vload(x + i + 3 * HN_LANES), d);
  }
  for (; i + HN_LANES <= len; i += HN_LANES) a = vmax(vload(x + i), a);
  if (i < len) b = vmax(vload_part(x + i, len - i, -INFINITY), b);
  return vmax_lanes(vmax(vmax(a, b), vmax(c, d)));
}

/*
 * sum(e^(x - max)) over n elements, storing each exponential in e unless e is NULL, and
 * prefetching the same span of the next row (next, NULL for none). With a pending row (else
 * NULL), e lies in its buffer, and its values are written out ahead of each store into e.
 */
static float exp_sum(const float *x, float *e, int64_t n, float max, const float *next,
                     pending_row *pending) {
  vf acc = {0}, odd = {0};
  int64_t i = 0;
  /* A local copy: the stores into e could alias *pending, which would reload it every step. */
  pending_row out = pending == NULL ? (pending_row){0} : *pending;
  int64_t at = pending == NULL ? 0 : e - out.buffer;
  for (; i + 2 * HN_LANES <= n; i += 2 * HN_LANES) {
    if (next != NULL && pending != NULL) {
      /* Into L2 only: L1 holds this row and the buffer. */
      __builtin_prefetch(next + i, 0, 2);
      __builtin_prefetch(next + i + HN_LANES, 0, 2);
    } else if (next != NULL) {
      __builtin_prefetch(next + i, 0, 3);
      __builtin_prefetch(next + i + HN_LANES, 0, 3);
    }
    vf v = softmax_exp(vload(x + i) - max);
    vf w = softmax_exp(vload(x + i + HN_LANES) - max);
    if (pending != NULL) pending_write_before(&out, at + i + 2 * HN_LANES);
    if (e != NULL) {
      vstore(e + i, v);
      vstore(e + i + HN_LANES, w);
    }
    acc += v;
    odd += w;
  }
  acc += odd;
  if (pending != NULL) {
    if (i < n) pending_write_before(&out, at + n);
    *pending = out;
  }
  for (; i + HN_LANES <= n; i += HN_LANES) {
    vf v = softmax_exp(vload(x + i) - max);
    if (e != NULL) vstore(e + i, v);
    acc += v;
  }
  if (i < n) {
    /* The tail padded with -inf, whose exponential is 0. */
    vf v = softmax_exp(vload_part(x + i, n - i, -INFINITY) - max);
    if (e != NULL) vstore_part(e + i, v, n - i);
    acc += v;
  }
  return vsum_lanes(acc);
}

/* The sum of the row's exponentials in double over float blocks (see BLOCK). */
static double row_exp_sum(const float *x, float *e, int64_t len, float max, const float *next,
                          pending_row *pending) {
  double total = 0.0;
  for (int64_t from = 0; from < len; from += BLOCK) {
    int64_t to = len - from < BLOCK ? len : from + BLOCK;
    total += exp_sum(x + from, e == NULL ? NULL : e + from, to - from, max,
                     next == NULL ? NULL : next + from, pending);
  }
  return total;
}

/*
 * Softmax of rows that fit the buffer into a streamed output: each row's exponentials are
 * computed into the buffer while the previous row's are written out of it (pending_row).
 */
static void softmax_rows_streamed(int64_t rows, int64_t len, const float *x, float *y,
                                  float *buffer) {
  /* Before the first row, an empty one: no whole vectors (end 0), nothing to write. */
  pending_row pending = {buffer, y, 0, 0.0f, 0, 0};
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    const float *next = r + 1 < rows ? xr + len : NULL;
    float *yr = y + r * len;
    float max = row_max(xr, len);
    double total = row_exp_sum(xr, buffer + vlane_offset(yr), len, max, next, &pending);
    pending_write_before(&pending, INT64_MAX);
    pending = pending_start(buffer, yr, len, (float)(1.0 / total));
  }
  pending_write_before(&pending, INT64_MAX);
}

/* y = e * scale over a row, in cache; y may be e. */
static void scale_row(const float *e, float *y, int64_t len, float scale) {
  int64_t i = 0;
  for (; i + HN_LANES <= len; i += HN_LANES) vstore(y + i, vload(e + i) * scale);
  for (; i < len; i++) y[i] = e[i] * scale;
}

/* y = (x - max) - log_sum over a row (streamed when stream is set); y may be x. */
static void log_row(const float *x, float *y, int64_t len, float max, float log_sum, int stream) {
  int64_t i = 0;
  int64_t head = stream ? vstream_head(HN_STREAM_BYTES, len, y) : -1;
  if (head >= 0) {
    for (; i < head; i++) y[i] = (x[i] - max) - log_sum;
    for (; i + HN_LANES <= len; i += HN_LANES) vstream(y + i, (vload(x + i) - max) - log_sum);
  } else {
    for (; i + HN_LANES <= len; i += HN_LANES) vstore(y + i, (vload(x + i) - max) - log_sum);
  }
  for (; i < len; i++) y[i] = (x[i] - max) - log_sum;
}

void HN_FN(hn_softmax_rows_impl)(int64_t rows, int64_t len, const float *x, float *y,
                                 int32_t take_log) {
  _Alignas(64) float buffer[BUFFERED + HN_LANES];
  /* Whether the output is streamed: large enough, and an ISA with streaming stores. */
  int stream = vstream_head((int64_t)sizeof(float) * rows * len, 1, y) >= 0;
  if (stream && !take_log && len <= BUFFERED) {
    softmax_rows_streamed(rows, len, x, y, buffer);
    vstream_fence();
    return;
  }
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * len;
    const float *next = r + 1 < rows ? xr + len : NULL;
    float *yr = y + r * len;
    float max = row_max(xr, len);
    float *e = take_log ? NULL : len <= BUFFERED ? buffer : yr;
    double total = row_exp_sum(xr, e, len, max, next, NULL);
    if (total != total) {
      /* NaN in the row, or an infinite maximum: x - max was NaN somewhere. */
      for (int64_t i = 0; i < len; i++) yr[i] = NAN;
    } else if (take_log) {
      log_row(xr, yr, len, max, (float)log(total), stream);
    } else {
      /* A row too long for the buffer has its exponentials in y, scaled there in cache. */
      scale_row(e, yr, len, (float)(1.0 / total));
    }
  }
  vstream_fence();
}
