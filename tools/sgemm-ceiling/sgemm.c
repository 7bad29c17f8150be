/*
 * Measures this machine's fp32 matrix-multiply rate (GFLOP/s) with OpenBLAS, to turn an
 * embedding benchmark's tokens/s into a share of the hardware's fp32 ceiling.
 * Build: cc -O2 sgemm.c -lopenblas -o sgemm   (Debian: apt-get install libopenblas-dev)
 * Run:   OPENBLAS_NUM_THREADS=2 ./sgemm [m] [n] [k] [seconds]
 * The default shape is one MiniLM feed-forward projection over 256 tokens (256 x 1536 x 384).
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int m = argc > 1 ? atoi(argv[1]) : 256, n = argc > 2 ? atoi(argv[2]) : 1536, k = argc > 3 ? atoi(argv[3]) : 384;
    double seconds = argc > 4 ? atof(argv[4]) : 3.0;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
    for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < (long)k * n; i++) b[i] = (float)(i % 5) * 0.1f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    long calls = 0;
    double start = now(), elapsed;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        calls++;
        elapsed = now() - start;
    } while (elapsed < seconds);
    printf("%d x %d x %d: %.1f GFLOP/s (%ld calls, %.2f s, checksum %.1f)\n", m, n, k, 2.0 * m * n * k * calls / elapsed / 1e9, calls, elapsed, c[0]);
    free(a); free(b); free(c);
    return 0;
}
