// SPDX-License-Identifier: GPL-3.0-or-later
// Times the CKernels elementwise kernels (ns/element, best of 7) and writes their outputs on
// deterministic inputs (incl. NaN, ±inf, −0, overflow/underflow edges, a subnormal) to a file,
// so that two builds of the kernels can be compared for speed and bit-identity:
//
//   CC=/opt/swift/usr/bin/clang
//   $CC -O2 -ISources/CKernels/include Benchmarks/CKernelsDispatch/dispatch_bench.c \
//       Sources/CKernels/{vector_math,rows,cpu_dispatch}.c -lm -o /tmp/dispatch_bench
//   /tmp/dispatch_bench /tmp/out.bin new            # timings
//   valgrind --tool=callgrind /tmp/dispatch_bench /tmp/out.bin new 2000000   # instruction counts
//
// (Build the other version the same way and `cmp` the two output files.)
#include "ckernels.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static unsigned long long state = 88172645463325252ULL;
static double uniform(void) { /* xorshift64 → [0, 1) */
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s OUTPUT.bin LABEL [WORK]\n", argv[0]);
        return 2;
    }
    size_t count = 1 << 16;
    double *x = malloc(count * 8), *y = malloc(count * 8), *g = malloc(count * 8), *z = malloc(count * 8);
    if (!x || !y || !g || !z) return 1;
    for (size_t i = 0; i < count; i++) {
        double r = uniform() - 0.5;
        x[i] = i % 4 == 0 ? r * 2000 : i % 4 == 1 ? r * 6 : i % 4 == 2 ? r * 1e-8 : r * 60;
    }
    double edges[] = {NAN, INFINITY, -INFINITY, -0.0, 709.8, -745.2, 710, -746, 1e-310};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) x[i] = edges[i];

    FILE *out = fopen(argv[1], "wb");
    if (!out) return 1;
    resode_vtanh(x, y, count); fwrite(y, 8, count, out);
    resode_vexp(x, y, count); fwrite(y, 8, count, out);
    resode_tanh_backward(x, y, g, count); fwrite(g, 8, count, out);
    resode_repeat_row(x, z, 64, 1000); fwrite(z, 8, 64000, out);
    resode_transpose(x, z, 250, 260); fwrite(z, 8, 65000, out);
    fclose(out);

    double work = argc > 3 ? atof(argv[3]) : 2e8;
    int rounds = argc > 3 ? 1 : 7;
    size_t sizes[2] = {4096, 16};
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k];
        int reps = (int)(work / n / 10);
        double best[3] = {1e300, 1e300, 1e300};
        for (int round = 0; round < rounds; round++) {
            double t0 = now_ns();
            for (int r = 0; r < reps; r++) resode_vtanh(x + 16, y, n);
            double t1 = now_ns();
            for (int r = 0; r < reps; r++) resode_vexp(x + 16, y, n);
            double t2 = now_ns();
            for (int r = 0; r < reps; r++) resode_tanh_backward(x + 16, y, g, n);
            double t3 = now_ns();
            if (t1 - t0 < best[0]) best[0] = t1 - t0;
            if (t2 - t1 < best[1]) best[1] = t2 - t1;
            if (t3 - t2 < best[2]) best[2] = t3 - t2;
        }
        printf("%s n=%zu tanh %.3f exp %.3f tanh_backward %.3f ns/element\n", argv[2], n,
               best[0] / reps / n, best[1] / reps / n, best[2] / reps / n);
    }
    free(x); free(y); free(g); free(z);
    return 0;
}
