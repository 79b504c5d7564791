#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Shows that scripts/check-doc-snippets.py passes on this tree and fails, naming the document,
# on copies where a README snippet, an article snippet or a snippet's import differs from the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check-doc-snippets.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fresh_copy() {
    rm -rf "$work/tree"; mkdir -p "$work/tree"
    cp README.md "$work/tree/"
    (tar cf - Sources/*/*.docc Tests/DocumentationTests) | (cd "$work/tree" && tar xf -)
}
expect_failure() {  # $1: what was broken, $2: text the report must contain
    local out
    if out=$(python3 scripts/check-doc-snippets.py --root "$work/tree"); then
        echo "check-doc-snippets did not notice: $1" >&2; exit 1
    fi
    grep -qF -- "$2" <<<"$out" || { echo "check-doc-snippets' report for '$1' does not name '$2':" >&2; echo "$out" >&2; exit 1; }
}
change_first_swift_line() {  # $1: file; changes the first code line after its first ```swift fence
    python3 - "$1" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
fence = re.search(r"^[ \t]*```swift[ \t]*\n", text, flags=re.M)
if fence is None:
    sys.exit(f"{path}: no ```swift block")
rest = text[fence.end():]
line = re.search(r"^(?![ \t]*import )[ \t]*\S.*$", rest, flags=re.M)
start = fence.end() + line.start()
text = text[:start] + "let untestedEdit = 0; " + text[start:]
open(path, "w", encoding="utf-8").write(text)
PY
}

fresh_copy   # a README snippet edited without its test
change_first_swift_line "$work/tree/README.md"
expect_failure "an edited README snippet" "the snippet at 'let untestedEdit = 0;"

fresh_copy   # an article snippet edited without its test
article=$(grep -l '```swift' "$work"/tree/Sources/*/*.docc/*.md | head -1)
change_first_swift_line "$article"
expect_failure "an edited article snippet" "$(basename "$article"):"
grep -qF "the snippet at 'let untestedEdit = 0;" <<<"$(python3 scripts/check-doc-snippets.py --root "$work/tree" || true)" \
    || { echo "check-doc-snippets' report does not quote the edited article line" >&2; exit 1; }

fresh_copy   # a README snippet importing a module its test does not import
python3 - "$work/tree/README.md" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
assert "```swift\nimport ResODE\n" in text, "the README's first snippet starts with import ResODE"
open(path, "w", encoding="utf-8").write(text.replace("```swift\nimport ResODE\n", "```swift\nimport ResODE\nimport Glibc\n", 1))
PY
expect_failure "a README snippet with an import its test lacks" "README.md:"

fresh_copy   # no documents at all: a wrong path must not pass
rm -rf "$work/tree/Sources" && : > "$work/tree/README.md"
expect_failure "no snippets found" "no \`\`\`swift snippet found"
echo "doc-snippet self-test: the check passes on this tree and fails on 4 broken copies"
