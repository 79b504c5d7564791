#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Shows that scripts/check-layering.py passes on this tree and fails, naming the culprit,
# on a copy with a deliberately wrong import, an upward manifest edge, a stale README or a stale
# DocC landing page.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift package dump-package > "$work/manifest.json"
python3 scripts/check-layering.py --manifest-json "$work/manifest.json"

fresh_copy() {
    rm -rf "$work/tree"; mkdir -p "$work/tree"
    cp Package.swift README.md "$work/tree/"
    (tar cf - Sources Tests Benchmarks/Sources) | (cd "$work/tree" && tar xf -)
}
expect_failure() {  # $1: what was broken, $2: text the report must contain, $3: manifest
    local out
    if out=$(python3 scripts/check-layering.py --root "$work/tree" --manifest-json "$3"); then
        echo "check-layering did not notice: $1" >&2; exit 1
    fi
    grep -qF -- "$2" <<<"$out" || { echo "check-layering's report for '$1' does not name '$2':" >&2; echo "$out" >&2; exit 1; }
}

fresh_copy   # a sibling import: ResidualNets must not import ContinuousDepth
file=$(ls "$work"/tree/Sources/ResidualNets/*/*.swift | head -1)
sed -i '0,/^import TensorCore/s//import ContinuousDepth\nimport TensorCore/' "$file"
expect_failure "ResidualNets imports ContinuousDepth" "imports ContinuousDepth, which is not a declared dependency of target ResidualNets" "$work/manifest.json"

fresh_copy   # an upward edge in the manifest: TensorCore depending on Training
python3 - "$work/manifest.json" "$work/upward.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for t in m["targets"]:
    if t["name"] == "TensorCore":
        t["dependencies"].append({"byName": ["Training", None]})
json.dump(m, open(sys.argv[2], "w"))
PY
expect_failure "TensorCore depends on Training" "TensorCore depends on Training, which the header lists above it" "$work/upward.json"

fresh_copy   # a README whose layer list lost a module
sed -i '/^DepthAnalysis  /d' "$work/tree/README.md"
expect_failure "README omits DepthAnalysis" "README.md: the layer list" "$work/manifest.json"
fresh_copy   # a DocC landing page whose layer list still shows the layers inside TensorCore
sed -i '/^NetworkLayers | RungeKuttaMethods/d' "$work/tree/Sources/ResODE/ResODE.docc/ResODE.md"
expect_failure "ResODE.md omits NetworkLayers | RungeKuttaMethods" "ResODE.docc/ResODE.md: the layer list" "$work/manifest.json"
echo "layering self-test: the check passes on this tree and fails on 4 broken copies"
