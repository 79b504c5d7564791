// SPDX-License-Identifier: GPL-3.0-or-later
#include "ckernels.h"
/* Any libc header defines __GLIBC__ on glibc; it must come before the test. */
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int resode_retain_freed_memory(long bytes) {
#if defined(__GLIBC__)
    /* Serve blocks below `bytes` from the heap instead of fresh mmap'd pages,
       and keep up to 2·bytes of freed heap instead of returning it at once.
       glibc refuses an mmap threshold above 32 MiB on 64-bit systems, and setting
       either option switches off its own adaptive threshold, so both must succeed
       or neither is set. */
    const long limit = 32L << 20;
    long threshold = bytes < limit ? bytes : limit;
    if (threshold <= 0) return 0;
    if (!mallopt(M_MMAP_THRESHOLD, (int)threshold)) return 0;
    return mallopt(M_TRIM_THRESHOLD, (int)(2 * threshold));
#else
    (void)bytes;
    return 0;
#endif
}
