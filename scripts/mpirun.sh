#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Launches an MPI job on this machine (one node):   scripts/mpirun.sh -np 4 .build/release/resode sweep …
#
# What it adds to Open MPI's mpirun, and why (measured on the 2-core development container):
#   OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM)=1   mpirun refuses to start as root otherwise (tests and CI run as root)
#   --oversubscribe                      more ranks than cores (4 ranks on 2 cores in the tests)
#   --bind-to none                       no pinning: the cores are shared with other work, and with
#                                        -np 2 Open MPI would otherwise pin each rank to one core
#   --mca btl self,vader                 shared memory only: every rank is on this node, and no
#                                        network interface is probed
# Any other mpirun option may be given before the program. On a cluster use the site's
# mpirun or srun directly (README, "Running on a cluster").
set -euo pipefail
if ! command -v mpirun >/dev/null 2>&1; then
    echo "mpirun not found: apt-get install -y openmpi-bin libopenmpi-dev (or run scripts/ensure-deps.sh)" >&2
    exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
exec mpirun --oversubscribe --bind-to none --mca btl self,vader "$@"
