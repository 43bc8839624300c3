/*
 * Times one C kernel without the JVM, to see what each ISA level reaches on its own:
 *
 *   cmake --build build --target hn_bench
 *   build/src/c/hn_bench sgemm|s8 M K N [generic|avx2|avx512|avx512-vnni]
 *   build/src/c/hn_bench copy|relu|sigmoid|tanh|gelu-tanh|softmax|layer-norm ROWS LEN [isa]
 *
 * Prints the best of seven rounds of twenty calls, single-threaded: GEMMs in G operations per
 * second (two per multiply-add), the memory-bound kernels in GB/s (bytes read plus written, as
 * the JMH benchmarks count them; copy is memcpy). Not built by default and not shipped.
 */
#include "harmonics_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int level_of(const char *name) {
  for (int level = HN_ISA_GENERIC; level <= HN_ISA_AVX512_VNNI; level++) {
    if (strcmp(hn_isa_name(level), name) == 0) return level;
  }
  return -1;
}

static int memory_kernel(const char *name, long rows, long len, const float *x, float *y,
                         const float *gamma, const float *beta) {
  long n = rows * len;
  if (strcmp(name, "copy") == 0) {
    memcpy(y, x, sizeof(float) * (size_t)n);
    return HN_OK;
  }
  if (strcmp(name, "relu") == 0) return hn_relu_forward(n, x, 0.0f, 0, y);
  if (strcmp(name, "sigmoid") == 0) return hn_activation_forward(HN_ACT_SIGMOID, n, x, y);
  if (strcmp(name, "tanh") == 0) return hn_activation_forward(HN_ACT_TANH, n, x, y);
  if (strcmp(name, "gelu-tanh") == 0) return hn_activation_forward(HN_ACT_GELU_TANH, n, x, y);
  if (strcmp(name, "softmax") == 0) return hn_softmax_rows(rows, len, x, y, 0);
  if (strcmp(name, "layer-norm") == 0) {
    return hn_layer_norm_forward(rows, len, x, gamma, beta, 1e-5f, y, NULL, NULL);
  }
  return HN_ERR_INVALID_ARGUMENT;
}

/* GB/s of a memory-bound kernel over ROWS x LEN floats, 8 bytes per element. */
static int memory_bench(const char *name, long rows, long len) {
  long n = rows * len;
  /* Aligned as Tensor.allocate aligns (64 bytes), so the kernels take their aligned paths. */
  float *x = aligned_alloc(64, sizeof(float) * (size_t)n);
  float *y = aligned_alloc(64, sizeof(float) * (size_t)n);
  float *gamma = malloc(sizeof(float) * (size_t)len), *beta = malloc(sizeof(float) * (size_t)len);
  if (x == NULL || y == NULL || gamma == NULL || beta == NULL) return 1;
  for (long i = 0; i < n; i++) x[i] = (float)(i % 97) * 0.08f - 4.0f;
  for (long i = 0; i < len; i++) {
    gamma[i] = 1.0f + (float)(i % 5) * 0.1f;
    beta[i] = (float)(i % 3) * 0.1f;
  }
  double best = 0.0;
  for (int round = 0; round < 8; round++) {
    double start = seconds();
    for (int r = 0; r < 5; r++) {
      int status = memory_kernel(name, rows, len, x, y, gamma, beta);
      if (status != HN_OK) {
        fprintf(stderr, "%s failed: %s\n", name, hn_status_name(status));
        return 1;
      }
    }
    double rate = 8.0 * (double)n * 5 / (seconds() - start) / 1e9;
    if (round > 0 && rate > best) best = rate;
  }
  printf("%s %s %ldx%ld: %.1f GB/s\n", name, hn_isa_name(hn_isa_active()), rows, len, best);
  free(x);
  free(y);
  free(gamma);
  free(beta);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && strcmp(argv[1], "sgemm") != 0 && strcmp(argv[1], "s8") != 0) {
    if (argc > 4 && hn_set_isa(level_of(argv[4])) != HN_OK) {
      fprintf(stderr, "ISA %s is not available here\n", argv[4]);
      return 2;
    }
    return memory_bench(argv[1], atol(argv[2]), atol(argv[3]));
  }
  if (argc < 5) {
    fprintf(stderr, "usage: %s sgemm|s8 M K N [isa]\n", argv[0]);
    return 2;
  }
  int s8 = strcmp(argv[1], "s8") == 0;
  long m = atol(argv[2]), k = atol(argv[3]), n = atol(argv[4]);
  if (argc > 5 && hn_set_isa(level_of(argv[5])) != HN_OK) {
    fprintf(stderr, "ISA %s is not available here (best: %s)\n", argv[5],
            hn_isa_name(hn_isa_supported()));
    return 2;
  }
  void *a = malloc((size_t)(m * k * 4)), *b = malloc((size_t)(k * n * 4));
  void *c = malloc((size_t)(m * n * 4));
  if (a == NULL || b == NULL || c == NULL) return 1;
  for (long i = 0; i < m * k; i++) {
    if (s8) ((int8_t *)a)[i] = (int8_t)(i % 7 - 3); else ((float *)a)[i] = (float)(i % 7) * 0.1f;
  }
  for (long i = 0; i < k * n; i++) {
    if (s8) ((int8_t *)b)[i] = (int8_t)(i % 5 - 2); else ((float *)b)[i] = (float)(i % 5) * 0.1f;
  }
  double best = 0.0;
  for (int round = 0; round < 8; round++) {
    double start = seconds();
    for (int r = 0; r < 20; r++) {
      int status = s8 ? hn_gemm_s8s8s32(m, n, k, a, k, b, n, c, n)
                      : hn_sgemm(0, 0, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n, NULL, 0, 0.0f);
      if (status != HN_OK) {
        fprintf(stderr, "failed: %s\n", hn_status_name(status));
        return 1;
      }
    }
    double rate = 2.0 * (double)m * (double)n * (double)k * 20 / (seconds() - start) / 1e9;
    if (round > 0 && rate > best) best = rate; /* round 0 warms caches and allocations */
  }
  printf("%s %s %ldx%ldx%ld: %.1f G ops/s\n", s8 ? "s8" : "sgemm", hn_isa_name(hn_isa_active()),
         m, k, n, best);
  free(a);
  free(b);
  free(c);
  return 0;
}
