#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every Swift snippet of the DocC articles is compiled and run by a test.

Each ```swift block in Sources/*/*.docc/**/*.md must appear, line for line (leading
white space ignored), in one of Tests/DocumentationTests/*.swift, where a test runs it.
Exit 1 naming the article and the first line of each snippet that no test holds.
"""
import glob
import os
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
tests = []
for path in sorted(glob.glob(os.path.join(root, "Tests/DocumentationTests/*.swift"))):
    with open(path, encoding="utf-8") as f:
        tests.append([line.strip() for line in f if line.strip()])

def contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))

problems, count = [], 0
for article in sorted(glob.glob(os.path.join(root, "Sources/*/*.docc/**/*.md"), recursive=True)):
    with open(article, encoding="utf-8") as f:
        text = f.read()
    for block in re.findall(r"```swift\n(.*?)```", text, flags=re.S):
        count += 1
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not any(contains(t, lines) for t in tests):
            problems.append(f"{os.path.relpath(article, root)}: snippet starting '{lines[0] if lines else ''}' "
                            "is not run by any test in Tests/DocumentationTests")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"doc snippets: all {count} Swift snippets of the articles are run by Tests/DocumentationTests")
