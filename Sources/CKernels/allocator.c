// SPDX-License-Identifier: GPL-3.0-or-later
#include "ckernels.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int resode_retain_freed_memory(long bytes) {
#if defined(__GLIBC__)
    /* Serve blocks below `bytes` from the heap instead of fresh mmap'd pages,
       and keep up to 2·bytes of freed heap instead of returning it at once. */
    int ok = mallopt(M_MMAP_THRESHOLD, (int)bytes);
    ok &= mallopt(M_TRIM_THRESHOLD, (int)(2 * bytes));
    return ok;
#else
    (void)bytes;
    return 0;
#endif
}
