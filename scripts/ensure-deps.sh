#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what ResODE needs from Debian when it is missing (as root), or says
# exactly what to run (otherwise). Called by `make run` and `make test`.
set -euo pipefail
packages=(libgsl-dev libopenblas-dev pkg-config gnuplot-nox libopenmpi-dev openmpi-bin python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "Installing ${missing[*]} …"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}"
    else
        echo "ResODE needs these Debian packages: ${missing[*]}" >&2
        echo "Run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "ResODE needs a Swift 6 toolchain on PATH (https://www.swift.org/install/linux/)." >&2
    exit 1
fi
