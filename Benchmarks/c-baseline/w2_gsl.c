// SPDX-License-Identifier: GPL-3.0-or-later
//
// W2 node-spiral written directly in C against GSL's gsl_odeiv2: the baseline
// that ResODE's GSL-based solve is compared with (same stepper, tolerances,
// first step and output times, so the same steps and evaluations).
//
//     x' = f(x) = tanh(x³·W1ᵀ + b1)·W2ᵀ + b2     (x³ elementwise; dim 2, hidden 50)
//
// 20 initial states solved as one system of 40 equations on [0, 25], the state
// saved at the 1000 times of w2_ts.npy by gsl_odeiv2_driver_apply. The right-hand
// side is plain loops (what a C programmer writes; for 20×2×50 a BLAS call costs
// more than the arithmetic) or two cblas_dgemm calls (--rhs blas), with libm's
// scalar tanh or, with --tanh vector, the vectorised tanh ResODE itself uses
// (Sources/CKernels/vector_math.c): that variant leaves only the cost of
// ResODE's Swift layers between the two programs.
//
// Usage: w2_gsl --data DIR [--step rkf45|rkck|rk8pd|msadams|rk2|rk4] [--rtol 1e-7]
//               [--atol 1e-9] [--h0 1e-6] [--runs 15] [--warmup 3] [--rhs loops|blas]
//               [--tanh libm|vector] [--save FILE.npy]
// Prints one JSON line: median_s, min_s, median_cpu_s, cpu_over_wall, nfe,
// steps, failed_steps, and the final state; --save writes all outputs [1000, 20, 2].
//
// Build: make -C Benchmarks/c-baseline   (cc -O2 … -lgsl -lopenblas -lm; never -lgslcblas)
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_cblas.h>
#include "ckernels.h"  // resode_vtanh, ResODE's vectorised tanh (--tanh vector)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DIM = 2, HIDDEN = 50 };

typedef struct {
    const double *w1, *b1, *w2, *b2;  // [50,2], [50], [2,50], [2]
    size_t batch;
    int use_blas, vector_tanh;
    double *cube, *hidden, *activated; // scratch: x³ [batch,2] (BLAS form), x³·W1ᵀ + b1 and its tanh [batch,50]
    long evaluations;
} field_t;

static void die(const char *message, const char *detail) {
    fprintf(stderr, "w2_gsl: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

// ---- .npy (version 1–3, little-endian float64, C order) -------------------------

static double *read_npy(const char *dir, const char *name, size_t *count, size_t shape[3], int *rank) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    FILE *file = fopen(path, "rb");
    if (!file) die("cannot open", path);
    unsigned char magic[8];
    if (fread(magic, 1, 8, file) != 8 || memcmp(magic, "\x93NUMPY", 6) != 0) die("not an .npy file", path);
    size_t header_length;
    if (magic[6] == 1) {
        unsigned char b[2];
        if (fread(b, 1, 2, file) != 2) die("truncated header", path);
        header_length = b[0] | (size_t)b[1] << 8;
    } else {
        unsigned char b[4];
        if (fread(b, 1, 4, file) != 4) die("truncated header", path);
        header_length = b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
    }
    char *header = calloc(header_length + 1, 1);
    if (!header || fread(header, 1, header_length, file) != header_length) die("truncated header", path);
    if (!strstr(header, "'<f8'") || strstr(header, "'fortran_order': True")) die("need little-endian float64 in C order", path);
    const char *open = strchr(strstr(header, "'shape'"), '(');
    *rank = 0;
    *count = 1;
    for (const char *p = open + 1; *p && *p != ')';) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p) { p++; continue; }
        if (*rank == 3) die("rank above 3", path);
        shape[(*rank)++] = (size_t)n;
        *count *= (size_t)n;
        p = end;
    }
    free(header);
    double *values = malloc(*count * sizeof(double));
    if (!values || fread(values, sizeof(double), *count, file) != *count) die("truncated data", path);
    fclose(file);
    return values;
}

static double *load(const char *dir, const char *name, size_t expected) {
    size_t count, shape[3];
    int rank;
    double *values = read_npy(dir, name, &count, shape, &rank);
    if (expected && count != expected) die("unexpected element count in", name);
    return values;
}

static void write_npy(const char *path, const double *values, size_t a, size_t b, size_t c) {
    char header[128];
    int length = snprintf(header, sizeof header, "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu, %zu), }", a, b, c);
    int padded = ((10 + length + 1 + 63) / 64) * 64 - 10;  // total header a multiple of 64 bytes
    FILE *file = fopen(path, "wb");
    if (!file) die("cannot write", path);
    fwrite("\x93NUMPY\x01\x00", 1, 8, file);
    unsigned char size[2] = {(unsigned char)(padded & 0xff), (unsigned char)(padded >> 8)};
    fwrite(size, 1, 2, file);
    fwrite(header, 1, (size_t)length, file);
    for (int i = length; i < padded - 1; i++) fputc(' ', file);
    fputc('\n', file);
    fwrite(values, sizeof(double), a * b * c, file);
    fclose(file);
}

// ---- the right-hand side ---------------------------------------------------------

static int rhs(double t, const double y[], double dydt[], void *params) {
    (void)t;
    field_t *f = params;
    f->evaluations++;
    double *z = f->hidden;
    if (f->use_blas) {
        for (size_t i = 0; i < f->batch * DIM; i++) f->cube[i] = y[i] * y[i] * y[i];
        for (size_t r = 0; r < f->batch; r++) memcpy(z + r * HIDDEN, f->b1, HIDDEN * sizeof(double));
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)f->batch, HIDDEN, DIM, 1.0,
                    f->cube, DIM, f->w1, DIM, 1.0, z, HIDDEN);
    } else {
        for (size_t r = 0; r < f->batch; r++) {
            const double c0 = y[2 * r] * y[2 * r] * y[2 * r], c1 = y[2 * r + 1] * y[2 * r + 1] * y[2 * r + 1];
            for (int j = 0; j < HIDDEN; j++) z[r * HIDDEN + j] = f->w1[2 * j] * c0 + f->w1[2 * j + 1] * c1 + f->b1[j];
        }
    }
    if (f->vector_tanh) {
        // Out of place: in place, the kernel's run-time overlap check picks its scalar loop.
        resode_vtanh(z, f->activated, f->batch * HIDDEN);
        z = f->activated;
    } else {
        for (size_t i = 0; i < f->batch * HIDDEN; i++) z[i] = tanh(z[i]);
    }
    if (f->use_blas) {
        for (size_t r = 0; r < f->batch; r++) memcpy(dydt + r * DIM, f->b2, DIM * sizeof(double));
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)f->batch, DIM, HIDDEN, 1.0,
                    z, HIDDEN, f->w2, HIDDEN, 1.0, dydt, DIM);
        return GSL_SUCCESS;
    }
    for (size_t r = 0; r < f->batch; r++) {
        double out0 = f->b2[0], out1 = f->b2[1];
        for (int j = 0; j < HIDDEN; j++) {
            out0 += f->w2[j] * z[r * HIDDEN + j];
            out1 += f->w2[HIDDEN + j] * z[r * HIDDEN + j];
        }
        dydt[2 * r] = out0;
        dydt[2 * r + 1] = out1;
    }
    return GSL_SUCCESS;
}

// ---- timing ------------------------------------------------------------------------

static double seconds(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n) {
    qsort(values, (size_t)n, sizeof(double), compare);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static const gsl_odeiv2_step_type *step_type(const char *name) {
    if (!strcmp(name, "rk2")) return gsl_odeiv2_step_rk2;
    if (!strcmp(name, "rk4")) return gsl_odeiv2_step_rk4;
    if (!strcmp(name, "rkf45")) return gsl_odeiv2_step_rkf45;
    if (!strcmp(name, "rkck")) return gsl_odeiv2_step_rkck;
    if (!strcmp(name, "rk8pd")) return gsl_odeiv2_step_rk8pd;
    if (!strcmp(name, "msadams")) return gsl_odeiv2_step_msadams;
    die("unknown --step (rk2, rk4, rkf45, rkck, rk8pd, msadams)", name);
    return NULL;
}

int main(int argc, char **argv) {
    const char *data = NULL, *step = "rkf45", *save = NULL, *rhs_form = "loops", *tanh_form = "libm";
    double rtol = 1e-7, atol = 1e-9, h0 = 1e-6;
    int runs = 15, warmup = 3;
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!value) die("missing value after", flag);
        if (!strcmp(flag, "--data")) data = value;
        else if (!strcmp(flag, "--step")) step = value;
        else if (!strcmp(flag, "--rtol")) rtol = atof(value);
        else if (!strcmp(flag, "--atol")) atol = atof(value);
        else if (!strcmp(flag, "--h0")) h0 = atof(value);
        else if (!strcmp(flag, "--runs")) runs = atoi(value);
        else if (!strcmp(flag, "--warmup")) warmup = atoi(value);
        else if (!strcmp(flag, "--rhs")) rhs_form = value;
        else if (!strcmp(flag, "--tanh")) tanh_form = value;
        else if (!strcmp(flag, "--save")) save = value;
        else die("unknown option", flag);
        i++;
    }
    if (!data) die("--data DIR is required", NULL);
    if (runs < 1 || warmup < 0) die("--runs must be ≥ 1 and --warmup ≥ 0", NULL);
    gsl_set_error_handler_off();

    size_t times_count, x0_count, shape[3];
    int rank;
    double *ts = read_npy(data, "w2_ts", &times_count, shape, &rank);
    double *x0 = read_npy(data, "w2_x0", &x0_count, shape, &rank);
    field_t field = {
        .w1 = load(data, "w2_W1", HIDDEN * DIM), .b1 = load(data, "w2_b1", HIDDEN),
        .w2 = load(data, "w2_W2", DIM * HIDDEN), .b2 = load(data, "w2_b2", DIM),
        .batch = x0_count / DIM, .use_blas = !strcmp(rhs_form, "blas"), .vector_tanh = !strcmp(tanh_form, "vector"),
    };
    if (!field.use_blas && strcmp(rhs_form, "loops")) die("--rhs must be loops or blas", rhs_form);
    if (!field.vector_tanh && strcmp(tanh_form, "libm")) die("--tanh must be libm or vector", tanh_form);
    field.cube = malloc(field.batch * DIM * sizeof(double));
    field.hidden = malloc(field.batch * HIDDEN * sizeof(double));
    field.activated = malloc(field.batch * HIDDEN * sizeof(double));
    const size_t n = x0_count;
    double *y = malloc(n * sizeof(double));
    double *outputs = malloc(times_count * n * sizeof(double));

    gsl_odeiv2_system system = {rhs, NULL, n, &field};
    gsl_odeiv2_driver *driver = gsl_odeiv2_driver_alloc_y_new(&system, step_type(step), h0, atol, rtol);
    if (!driver) die("gsl_odeiv2_driver_alloc_y_new failed", NULL);

    long steps = 0;
    // One solve: reset the driver and its first step, then step onto every output time.
    #define SOLVE() do { \
        gsl_odeiv2_driver_reset_hstart(driver, h0); \
        memcpy(y, x0, n * sizeof(double)); \
        double t = ts[0]; \
        field.evaluations = 0; \
        steps = 0; \
        for (size_t k = 0; k < times_count; k++) { \
            int status = gsl_odeiv2_driver_apply(driver, &t, ts[k], y); \
            if (status != GSL_SUCCESS) die("gsl_odeiv2_driver_apply failed", gsl_strerror(status)); \
            steps += (long)driver->n; \
            memcpy(outputs + k * n, y, n * sizeof(double)); \
        } \
    } while (0)

    for (int i = 0; i < warmup; i++) SOLVE();
    double *walls = malloc((size_t)runs * sizeof(double)), *cpus = malloc((size_t)runs * sizeof(double));
    double wall_total = 0, cpu_total = 0;
    for (int i = 0; i < runs; i++) {
        double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        SOLVE();
        walls[i] = seconds(CLOCK_MONOTONIC) - wall0;
        cpus[i] = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        wall_total += walls[i];
        cpu_total += cpus[i];
    }
    double minimum = walls[0];
    for (int i = 1; i < runs; i++) if (walls[i] < minimum) minimum = walls[i];
    if (save) write_npy(save, outputs, times_count, field.batch, DIM);

    printf("{\"impl\": \"c-gsl\", \"step\": \"%s\", \"rhs\": \"%s\", \"tanh\": \"%s\", \"rtol\": %g, \"atol\": %g, \"h0\": %g, "
           "\"runs\": %d, \"median_s\": %.9g, \"min_s\": %.9g, \"median_cpu_s\": %.9g, \"cpu_over_wall\": %.3f, "
           "\"nfe\": %ld, \"steps\": %ld, \"failed_steps\": %lu, \"final\": [",
           step, rhs_form, tanh_form, rtol, atol, h0, runs, median(walls, runs), minimum, median(cpus, runs),
           cpu_total / wall_total, field.evaluations, steps, driver->e->failed_steps);
    for (size_t i = 0; i < n; i++) printf("%s%.17g", i ? ", " : "", outputs[(times_count - 1) * n + i]);
    printf("]}\n");
    gsl_odeiv2_driver_free(driver);
    return 0;
}
