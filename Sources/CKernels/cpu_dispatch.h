// SPDX-License-Identifier: GPL-3.0-or-later
// Run-time choice of a kernel's instruction-set variant (private to CKernels).
//
// Each kernel is one always-inline body compiled three times: into a wrapper built for
// x86-64-v4 (AVX-512), one for x86-64-v3 (AVX2 + FMA) and one for baseline x86-64. The
// exported function asks resode_cpu_level() which wrapper to call. The level is detected
// at the first call, after main has started, not by an ifunc resolver during dynamic
// relocation: sanitizer runtimes (TSan) are not initialised that early, and instrumented
// resolver code crashes the process before main.
#ifndef RESODE_CPU_DISPATCH_H
#define RESODE_CPU_DISPATCH_H
#include <stdatomic.h>

enum resode_cpu_level {
    RESODE_CPU_BASELINE = 0,
    RESODE_CPU_X86_64_V3 = 1, /* AVX2, FMA, BMI1/2, … */
    RESODE_CPU_X86_64_V4 = 2, /* AVX-512 F/BW/CD/DQ/VL */
};

/// Detects the best variant level this CPU runs and records it in resode_detected_cpu_level.
__attribute__((visibility("hidden"))) enum resode_cpu_level resode_detect_cpu_level(void);

/// -1 until the first call to resode_cpu_level(), then the detected level.
__attribute__((visibility("hidden"))) extern _Atomic int resode_detected_cpu_level;

/// The best variant level this CPU runs: one relaxed atomic load once detected
/// (thread-safe and lock-free; racing first calls all detect and store the same value).
static inline enum resode_cpu_level resode_cpu_level(void) {
    int level = atomic_load_explicit(&resode_detected_cpu_level, memory_order_relaxed);
    return level >= 0 ? (enum resode_cpu_level)level : resode_detect_cpu_level();
}

#if defined(__x86_64__) && defined(__clang__)
#define RESODE_HAVE_VARIANTS 1
/* no-prefer-256-bit: as the former target_clones("arch=x86-64-v4") clones, vectorise with
   512-bit registers (the target attribute alone keeps the generic 256-bit preference,
   measured 1.4-3x slower here). */
#define RESODE_TARGET_V4 __attribute__((target("arch=x86-64-v4,no-prefer-256-bit")))
#define RESODE_TARGET_V3 __attribute__((target("arch=x86-64-v3")))
#else
#define RESODE_HAVE_VARIANTS 0
#endif

#define RESODE_ALWAYS_INLINE static inline __attribute__((always_inline))
/* Keeps each variant out of the dispatcher, whose fast path is then a load, a compare and a tail call. */
#define RESODE_NOINLINE __attribute__((noinline))

/* Defines the exported `name params` and its variants: one wrapper per level, each inlining
   `body args` and vectorised for its target; `attributes` go on every wrapper. */
#if RESODE_HAVE_VARIANTS
#define RESODE_VARIANTS(name, body, attributes, params, args)                      \
    RESODE_TARGET_V4 RESODE_NOINLINE attributes static void name##_v4 params { body args; } \
    RESODE_TARGET_V3 RESODE_NOINLINE attributes static void name##_v3 params { body args; } \
    RESODE_NOINLINE attributes static void name##_baseline params { body args; }   \
    void name params {                                                             \
        switch (resode_cpu_level()) {                                              \
        case RESODE_CPU_X86_64_V4: name##_v4 args; return;                         \
        case RESODE_CPU_X86_64_V3: name##_v3 args; return;                         \
        default: name##_baseline args; return;                                     \
        }                                                                          \
    }
#else
#define RESODE_VARIANTS(name, body, attributes, params, args) void name params { body args; }
#endif

#endif
