// SPDX-License-Identifier: GPL-3.0-or-later
// CPU level detection for the kernels' variants (see cpu_dispatch.h).
#include "cpu_dispatch.h"
#include <stdatomic.h>

/* -1 until detected. Racing first calls all compute and store the same value, so a relaxed
   atomic is enough: no lock, and no data race for ThreadSanitizer to report. */
_Atomic int resode_detected_cpu_level = -1;

enum resode_cpu_level resode_detect_cpu_level(void) {
    int level;
#if RESODE_HAVE_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) level = RESODE_CPU_X86_64_V4;
    else if (__builtin_cpu_supports("x86-64-v3")) level = RESODE_CPU_X86_64_V3;
    else level = RESODE_CPU_BASELINE;
#else
    level = RESODE_CPU_BASELINE;
#endif
    atomic_store_explicit(&resode_detected_cpu_level, level, memory_order_relaxed);
    return (enum resode_cpu_level)level;
}
