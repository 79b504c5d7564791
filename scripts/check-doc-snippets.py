#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every Swift snippet of the documentation is compiled and run by a test.

Each ```swift block in README.md and in Sources/*/*.docc/**/*.md must appear, line for line
(leading and trailing white space and blank lines ignored), in one of
Tests/DocumentationTests/*.swift, where a test runs it. A snippet's `import` lines are not
part of that run of lines (a test file imports at its top): each must be an `import` of the
same test file. Exit 1 naming the document, line and first code line of each snippet that
no test holds, or when the documents hold no Swift snippet at all (a wrong path would otherwise pass).

Usage: check-doc-snippets.py [--root DIR]   (scripts/test-check-doc-snippets.sh shows it failing)
"""
import argparse
import glob
import os
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
root = parser.parse_args().root
tests = []
for path in sorted(glob.glob(os.path.join(root, "Tests/DocumentationTests/*.swift"))):
    with open(path, encoding="utf-8") as f:
        tests.append([line.strip() for line in f if line.strip()])


def contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def is_run(lines):
    """Whether one test file holds the snippet's code as a run of lines and its imports."""
    imports = [line for line in lines if line.startswith("import ")]
    code = [line for line in lines if not line.startswith("import ")]
    return any(contains(t, code) and all(i in t for i in imports) for t in tests)


documents = [os.path.join(root, "README.md")]
documents += sorted(glob.glob(os.path.join(root, "Sources/*/*.docc/**/*.md"), recursive=True))
problems, count = [], 0
for document in documents:
    with open(document, encoding="utf-8") as f:
        text = f.read()
    for block in re.finditer(r"^[ \t]*```swift[ \t]*\n(.*?)^[ \t]*```", text, flags=re.S | re.M):
        count += 1
        lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
        if not lines or not is_run(lines):
            line_number = text.count("\n", 0, block.start()) + 1
            code = [line for line in lines if not line.startswith("import ")] or lines or [""]
            problems.append(f"{os.path.relpath(document, root)}:{line_number}: the snippet at '{code[0]}' "
                            "is not run by any test in Tests/DocumentationTests")
if count == 0:
    problems.append("no ```swift snippet found in README.md or Sources/*/*.docc: wrong paths?")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"doc snippets: all {count} Swift snippets of README.md and the articles are run by Tests/DocumentationTests")
