#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# UndefinedBehaviorSanitizer on the C kernels (Sources/CKernels): builds
# Benchmarks/CKernelsDispatch/dispatch_bench.c with the kernels at -O0 and -O2 under
# -fsanitize=undefined,float-cast-overflow (every report fatal) and runs it on its edge-case
# inputs (NaN, ±inf, −0, overflow and underflow bounds, a subnormal) and random ones.
set -euo pipefail
cd "$(dirname "$0")/.."
clang="$(dirname "$(readlink -f "$(command -v swift)")")/clang"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for level in -O0 -O2; do
    "$clang" "$level" -g -fsanitize=undefined,float-cast-overflow -fno-sanitize-recover=all \
        -ISources/CKernels/include Benchmarks/CKernelsDispatch/dispatch_bench.c \
        Sources/CKernels/vector_math.c Sources/CKernels/rows.c Sources/CKernels/cpu_dispatch.c \
        -lm -o "$out/bench"
    "$out/bench" "$out/values.bin" "ubsan$level" 1e5 > /dev/null
    echo "UBSan on CKernels ($level): clean"
done
