#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the manifest, its header, the README and the imports say the same thing.

Rules (each violation is printed as one line naming the file or target; exit 1 if any):
  1. Every `import M` of a package module (a target or a product of a dependency) in a
     target's sources is a declared direct dependency of that target.
  2. Every declared dependency of a target is imported by at least one of its files
     (a manifest may not promise an edge the code does not have).
  3. The layer list in Package.swift's header orders the modules top to bottom; a target
     may depend only on modules on lower lines. Modules on one line are siblings and may
     not depend on each other. Every library target appears in the header exactly once.
  4. The README's "## Layers" block lists the same modules, line for line, in the same order.
  5. The first code block of the umbrella's DocC landing page (Sources/ResODE/ResODE.docc/ResODE.md)
     lists the header's lines restricted to what `import ResODE` documents: ResODE, the modules
     it depends on (directly or not) and the executables; the MPI modules are left out.

Usage: check-layering.py [--root DIR] [--manifest-json FILE]
(`--manifest-json` takes the output of `swift package dump-package`; by default the script
runs it in DIR.)
"""
import argparse
import json
import os
import re
import subprocess
import sys

SYSTEM_MODULES = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Musl", "Dispatch",
                  "Testing", "XCTest", "Swift", "_Concurrency", "Synchronization", "PackageDescription"}
IMPORT = re.compile(r"^\s*(?:@[A-Za-z_]+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def manifest(root, json_path):
    if json_path:
        with open(json_path) as f:
            return json.load(f)
    out = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def dependency_names(target):
    names = []
    for dep in target.get("dependencies", []):
        kind, value = next(iter(dep.items()))
        names.append(value[0])
    return names


def target_dir(root, target):
    if target.get("path"):
        return os.path.join(root, target["path"])
    base = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(root, base, target["name"])


def imports_by_file(directory):
    found = {}
    for top, _, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(top, name)
            with open(path, encoding="utf-8") as f:
                for line in f:
                    m = IMPORT.match(line)
                    if m:
                        found.setdefault(m.group(1), []).append(path)
    return found


def layer_lines(lines, target_names):
    """Each line's leading module names (`A`, `A | B`, `A, B`) that are targets; lines without any are skipped."""
    layers = []
    for line in lines:
        m = re.match(r"^\s*([A-Za-z][\w-]*(?:\s*[|,]\s*[A-Za-z][\w-]*)*)", line)
        if not m:
            continue
        names = [n.strip() for n in re.split(r"[|,]", m.group(1)) if n.strip() in target_names]
        if names:
            layers.append(names)
    return layers


def header_layers(root, target_names):
    """The header's layer lines, top first, each a list of module names."""
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("// Layers", 1)[1].split("import PackageDescription", 1)[0]
    return layer_lines((line.lstrip("/") for line in block.splitlines()[1:]), target_names)


def readme_layers(root, target_names):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        text = f.read()
    if "## Layers" not in text:
        return None
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    return layer_lines(block.splitlines(), target_names)


def docc_layers(root, target_names):
    path = os.path.join(root, "Sources", "ResODE", "ResODE.docc", "ResODE.md")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if "```" not in text:
        return None
    return layer_lines(text.split("```", 2)[1].splitlines(), target_names)


def dependency_closure(targets, name):
    seen, stack = set(), [name]
    while stack:
        for dep in dependency_names(targets[stack.pop()]):
            if dep in targets and dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--manifest-json")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    package = manifest(root, args.manifest_json)

    targets = {t["name"]: t for t in package["targets"]}
    products = set()
    for dep in package.get("dependencies", []):
        for kind in dep.values():
            for spec in kind:
                identity = spec.get("identity") or spec.get("nameForTargetDependencyResolutionOnly")
                if identity:
                    products.add(identity.lower())
    problems = []

    for name, target in targets.items():
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        directory = target_dir(root, target)
        declared = set(dependency_names(target))
        imported = imports_by_file(directory)
        for module, files in sorted(imported.items()):
            if module in SYSTEM_MODULES or module == name:
                continue
            if module not in declared:
                problems.append(f"{os.path.relpath(files[0], root)}: imports {module}, "
                                f"which is not a declared dependency of target {name}")
        for dep in sorted(declared):
            if dep in imported:
                continue
            # An executable's own target (resode for ResodeCLITests) is used by running it.
            if dep in targets and targets[dep]["type"] == "executable":
                continue
            problems.append(f"Package.swift: target {name} declares dependency {dep}, but no file in "
                            f"{os.path.relpath(directory, root)} imports it")

    library_targets = [n for n, t in targets.items()
                       if t["type"] in ("regular", "system") and not (t.get("path") or "").startswith("Tests")]
    layers = header_layers(root, set(targets))
    rank = {}
    for index, line in enumerate(layers):
        for module in line:
            if module in rank:
                problems.append(f"Package.swift header: {module} is listed on two layer lines")
            rank[module] = index
    for module in library_targets:
        if module not in rank:
            problems.append(f"Package.swift header: target {module} is missing from the layer list")
    for name, target in targets.items():
        if name not in rank:
            continue
        for dep in dependency_names(target):
            if dep not in rank:
                continue
            if rank[dep] == rank[name]:
                problems.append(f"Package.swift: {name} depends on its sibling {dep} (same layer line)")
            elif rank[dep] < rank[name]:
                problems.append(f"Package.swift: {name} depends on {dep}, which the header lists above it")

    readme = readme_layers(root, set(targets))
    if readme is None:
        problems.append("README.md: no '## Layers' section")
    elif readme != layers:
        problems.append(f"README.md: the layer list {readme} differs from Package.swift's header {layers}")

    if "ResODE" in targets:
        documented = dependency_closure(targets, "ResODE") | {"ResODE"} | \
            {n for n, t in targets.items() if t["type"] == "executable"}
        expected = [kept for kept in ([m for m in line if m in documented] for line in layers) if kept]
        docc = docc_layers(root, set(targets))
        if docc is None:
            problems.append("Sources/ResODE/ResODE.docc/ResODE.md: no layer list (a ``` block)")
        elif docc != expected:
            problems.append(f"Sources/ResODE/ResODE.docc/ResODE.md: the layer list {docc} differs from "
                            f"Package.swift's header without the modules ResODE does not re-export {expected}")

    for line in problems:
        print(line)
    if problems:
        print(f"layering check: {len(problems)} problem(s)")
        return 1
    print(f"layering check: {len(targets)} targets, {len(layers)} layers, imports agree with Package.swift, README and the DocC landing page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
