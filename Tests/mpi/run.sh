#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Multi-process tests of `resode sweep` and data-parallel `resode train`, launched through
# scripts/mpirun.sh with 1, 2 and 4 ranks (the unit tests run without a launcher).
# Ends with the line 'N passed, N failed'; exit status 1 if any failed.
#   bash Tests/mpi/run.sh [path/to/resode]     (default: builds and uses .build/debug/resode)
set -uo pipefail
cd "$(dirname "$0")/../.."
resode=${1:-}
if [ -z "$resode" ]; then
    if ! out=$(swift build --product resode 2>&1); then echo "$out" | tail -20; echo "0 passed, 1 failed"; exit 1; fi
    resode=.build/debug/resode
fi
resode=$(realpath "$resode")
mpirun_sh=$(realpath scripts/mpirun.sh)
work=$(mktemp -d /tmp/resode-mpi-tests.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# The arrays of two .npz files are equal bit for bit (member bytes; the zip's timestamps may differ).
same_npz() {
    python3 - "$1" "$2" <<'PY'
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
names = sorted(a.namelist())
sys.exit(0 if names == sorted(b.namelist()) and all(a.read(n) == b.read(n) for n in names) else 1)
PY
}

# --- A model and an input for the eval runs of the grid ---------------------------------------
"$resode" train --dataset moons --samples 60 --epochs 1 --hidden 4 --depth 2 --out "$work/model" >/dev/null 2>&1
python3 - "$work/x.npy" <<'PY'
import struct, sys
rows = [[0.1 * i - 0.3, 0.05 * i * i - 0.2] for i in range(6)]
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (6, 2), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(b"".join(struct.pack("<d", v) for row in rows for v in row))
PY

cat > "$work/grid.json" <<JSON
{"runs": [
  {"command": "train", "options": {"dataset": "moons", "samples": 80, "epochs": 2, "hidden": 6, "batch-size": 16},
   "axes": {"depth": [1, 6], "seed": [1, 2, 3]}},
  {"command": "train", "options": {"dataset": "circles", "samples": 64, "epochs": 2, "hidden": 4, "model": "node",
   "solver": "dopri5"}},
  {"command": "eval", "options": {"spec": "$work/model/spec.json", "weights": "$work/model/weights.npz",
   "input": "$work/x.npy", "grad": true}},
  {"command": "paper", "options": {"profile": "quick"}, "axes": {"id": ["euler-convergence", "seed-gradient-highway"]}},
  {"command": "train", "options": {"dataset": "moons", "samples": 40, "epochs": 1, "lr": -1}}
]}
JSON

# --- 1. The sweep's results are the same bytes for 1, 2 and 4 ranks ---------------------------
for p in 1 2 4; do
    "$mpirun_sh" -np $p "$resode" sweep --grid "$work/grid.json" --out "$work/sweep$p" >"$work/sweep$p.log" 2>&1
    echo $? >"$work/sweep$p.status"
done
# The last template has an invalid learning rate: recorded as an error, and the exit status is 1.
if [ "$(cat "$work/sweep1.status")" = 1 ] && [ -f "$work/sweep1/results.jsonl" ] \
    && [ "$(wc -l <"$work/sweep1/results.jsonl")" = 11 ] && grep -q '"status":"error"' "$work/sweep1/results.jsonl" \
    && [ "$(grep -c '"status":"ok"' "$work/sweep1/results.jsonl")" = 10 ]; then
    pass "sweep with 1 rank: 11 records in grid order, the failing run recorded as an error, exit status 1"
else
    fail "sweep with 1 rank" "$(tail -3 "$work/sweep1.log")"
fi
for p in 2 4; do
    if cmp -s "$work/sweep1/results.jsonl" "$work/sweep$p/results.jsonl" && cmp -s "$work/sweep1/results.csv" "$work/sweep$p/results.csv" \
        && [ "$(cat "$work/sweep$p.status")" = 1 ]; then
        ranks=$(cut -d, -f3 "$work/sweep$p/timing.csv" | tail -n +2 | sort -u | wc -l)
        if [ "$ranks" -ge 2 ]; then pass "sweep with $p ranks: results.jsonl and results.csv identical to 1 rank ($ranks ranks ran runs)"
        else fail "sweep with $p ranks" "only $ranks rank ran runs"; fi
    else
        fail "sweep with $p ranks" "results differ from 1 rank or bad status; $(tail -3 "$work/sweep$p.log")"
    fi
done

# --- 2. A bad grid fails before any run, with the template and option named -------------------
echo '{"runs": [{"command": "train", "options": {"dataset": "moons", "no-such-option": 1}}]}' >"$work/bad.json"
"$mpirun_sh" -np 2 "$resode" sweep --grid "$work/bad.json" --out "$work/bad" >"$work/bad.log" 2>&1
status=$?
if [ $status -ne 0 ] && grep -q "no-such-option" "$work/bad.log" && [ ! -e "$work/bad/results.jsonl" ] && [ -z "$(ls "$work/bad/runs" 2>/dev/null)" ]; then
    pass "a bad grid is rejected before any run (status $status, the option named)"
else
    fail "bad grid" "status $status; $(tail -3 "$work/bad.log")"
fi

# --- 2b. An error on rank 0 while rank 1 waits ends the job at once, naming the rank --------------
stem=$(basename "$(ls "$work/sweep1/runs/"00000-*.json)")
mkdir -p "$work/blocked/runs/$stem"  # a folder where the first record must go: rank 0 cannot write it
timeout 120 "$mpirun_sh" -np 2 "$resode" sweep --grid "$work/grid.json" --out "$work/blocked" >"$work/blocked.log" 2>&1
status=$?
if [ $status -ne 0 ] && [ $status -ne 124 ] && grep -q "resode sweep: rank 0 of 2 failed" "$work/blocked.log" \
    && [ ! -e "$work/blocked/results.jsonl" ]; then
    pass "an error on rank 0 ends the 2-rank job (status $status) with the rank named, no results.jsonl"
else
    fail "error on rank 0" "status $status (124: hung); $(tail -3 "$work/blocked.log")"
fi

# --- 3. A killed rank ends the job with the rank and run named; the restart resumes ------------
cat > "$work/slow.json" <<JSON
{"runs": [{"command": "train", "options": {"dataset": "moons", "samples": 300, "epochs": 25, "hidden": 8, "depth": 3},
           "axes": {"seed": [1, 2, 3, 4, 5, 6, 7, 8]}}]}
JSON
"$resode" sweep --grid "$work/slow.json" --out "$work/slow1" >"$work/slow1.log" 2>&1
"$mpirun_sh" -np 2 "$resode" sweep --grid "$work/slow.json" --out "$work/slow2" >"$work/slow2.log" 2>&1 &
job=$!
victim=""
for _ in $(seq 1 600); do  # up to 60 s: wait until a record exists and rank 1 is running a run
    if [ -n "$(ls "$work/slow2/runs/"*.json 2>/dev/null)" ] && grep -q "rank 1: run" "$work/slow2/in-flight.json" 2>/dev/null; then
        for pid in $(pgrep -f -- "--out $work/slow2"); do
            if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1"; then victim=$pid; fi
        done
        [ -n "$victim" ] && break
    fi
    sleep 0.1
done
if [ -n "$victim" ]; then kill -9 "$victim"; fi
wait $job
status=$?
recorded=$(ls "$work/slow2/runs/"*.json 2>/dev/null | wc -l)
if [ -n "$victim" ] && [ $status -ne 0 ] && [ ! -e "$work/slow2/results.jsonl" ] && grep -q "rank 1" "$work/slow2.log" \
    && grep -q "the job ended while.*rank 1: run" "$work/slow2.log" && [ "$recorded" -lt 8 ]; then
    pass "a killed rank ends the job (status $status) naming rank 1 and its run; no results.jsonl ($recorded of 8 recorded)"
else
    fail "killed rank" "victim '$victim', status $status, $recorded recorded; $(tail -5 "$work/slow2.log")"
fi
"$mpirun_sh" -np 2 "$resode" sweep --grid "$work/slow.json" --out "$work/slow2" >"$work/resume.log" 2>&1
status=$?
if [ $status -eq 0 ] && grep -q "$recorded already recorded" "$work/resume.log" && grep -q "run again" "$work/resume.log" \
    && cmp -s "$work/slow1/results.jsonl" "$work/slow2/results.jsonl" && [ ! -e "$work/slow2/in-flight.json" ]; then
    pass "the restarted sweep skips the $recorded recorded runs and its results equal an uninterrupted run's"
else
    fail "resume" "status $status; $(tail -3 "$work/resume.log")"
fi

# --- 4. Data-parallel training: the same weights for 1, 2 and 4 ranks -------------------------
for model in "--model resnet --depth 3 --dataset moons --samples 120" "--model node --solver dopri5 --dataset circles --samples 96" \
             "--model node --solver rkf45 --dataset circles --samples 96"; do
    name=$(echo "$model" | tr -c 'a-z0-9' '_')
    ok=1
    ranks="1 2 4"
    case "$model" in *resnet*) ranks="1 2 3 4" ;; esac  # 3 ranks: the gathered (not tree) reduction
    for p in $ranks; do
        "$mpirun_sh" -np $p "$resode" train $model --epochs 2 --hidden 6 --batch-size 20 --blocks-per-batch 4 \
            --out "$work/dp$name$p" >"$work/dp$name$p.log" 2>&1 || { ok=0; fail "data-parallel $model, $p ranks" "$(tail -3 "$work/dp$name$p.log")"; }
    done
    [ $ok = 1 ] || continue
    if same_npz "$work/dp${name}1/weights.npz" "$work/dp${name}2/weights.npz" && same_npz "$work/dp${name}1/weights.npz" "$work/dp${name}4/weights.npz" \
        && same_npz "$work/dp${name}1/head.npz" "$work/dp${name}4/head.npz" && same_npz "$work/dp${name}1/head.npz" "$work/dp${name}2/head.npz" \
        && { [ "$ranks" = "1 2 4" ] || same_npz "$work/dp${name}1/weights.npz" "$work/dp${name}3/weights.npz"; }; then
        pass "data-parallel train ($model): weights bit-identical for ranks $ranks"
    else
        fail "data-parallel train ($model)" "weights differ between rank counts"
    fi
done

# --- 4b. Neural ODEs: every gradient method on an own and a GSL solver, the same weights for 1, 2 and 4 ranks ---
# (dopri5 with backprop and rkf45 with the adjoint are their defaults, run in test 4.)
for model in "--solver dopri5 --gradient adjoint" "--solver dopri5 --gradient checkpointed" \
             "--solver rkf45 --gradient backprop" "--solver rkf45 --gradient checkpointed"; do
    name=$(echo "$model" | tr -c 'a-z0-9' '_')
    ok=1
    for p in 1 2 4; do
        "$mpirun_sh" -np $p "$resode" train --model node $model --dataset circles --samples 96 --epochs 1 --hidden 6 \
            --batch-size 20 --blocks-per-batch 4 --out "$work/ode$name$p" >"$work/ode$name$p.log" 2>&1 \
            || { ok=0; fail "data-parallel node $model, $p ranks" "$(tail -3 "$work/ode$name$p.log")"; }
    done
    [ $ok = 1 ] || continue
    if same_npz "$work/ode${name}1/weights.npz" "$work/ode${name}2/weights.npz" && same_npz "$work/ode${name}1/weights.npz" "$work/ode${name}4/weights.npz" \
        && same_npz "$work/ode${name}1/head.npz" "$work/ode${name}2/head.npz" && same_npz "$work/ode${name}1/head.npz" "$work/ode${name}4/head.npz"; then
        pass "data-parallel train (--model node $model): weights bit-identical for ranks 1 2 4"
    else
        fail "data-parallel train (--model node $model)" "weights differ between rank counts"
    fi
done

# --- 4c. Conv ResNet (ghost batch norm per block, running averages summed in block order): the same weights ---
# digits is 1 797 images; 3 % are trained on (53: batches of 16, 16, 16, 5), the rest only evaluated.
ok=1
for p in 1 2 4; do
    "$mpirun_sh" -np $p "$resode" train --model conv-resnet --dataset digits --depth 8 --epochs 1 --batch-size 16 \
        --test-fraction 0.97 --blocks-per-batch 4 --out "$work/conv$p" >"$work/conv$p.log" 2>&1 \
        || { ok=0; fail "data-parallel conv-resnet, $p ranks" "$(tail -3 "$work/conv$p.log")"; }
done
if [ $ok = 1 ]; then
    if same_npz "$work/conv1/weights.npz" "$work/conv2/weights.npz" && same_npz "$work/conv1/weights.npz" "$work/conv4/weights.npz" \
        && python3 -c "import zipfile, sys; sys.exit(0 if any('running_var' in n for n in zipfile.ZipFile(sys.argv[1]).namelist()) else 1)" \
            "$work/conv1/weights.npz"; then
        pass "data-parallel train (--model conv-resnet): weights and batch norm running averages bit-identical for ranks 1 2 4"
    else
        fail "data-parallel train (--model conv-resnet)" "weights differ between rank counts"
    fi
fi

# --- 4d. A data-parallel run killed after a checkpoint resumes on 2 or on 1 rank to the uninterrupted bits ---
run=(train --model resnet --dataset moons --samples 400 --depth 3 --hidden 8 --batch-size 20 --checkpoint-every 1 --epochs)
"$mpirun_sh" -np 2 "$resode" "${run[@]}" 12 --out "$work/whole2" >"$work/whole2.log" 2>&1 || fail "uninterrupted 2-rank run" "$(tail -3 "$work/whole2.log")"
"$resode" "${run[@]}" 12 --blocks-per-batch 8 --out "$work/whole1" >"$work/whole1.log" 2>&1 || fail "uninterrupted 1-rank run" "$(tail -3 "$work/whole1.log")"
# Starts "${run[@]}" EPOCHS on RANKS ranks into $work/NAME and kills the last rank with SIGKILL as soon as a
# checkpoint exists; sets `killed_after` to the epochs the staged metrics.csv holds ("" if the kill missed).
start_and_kill() {  # RANKS NAME EPOCHS
    local ranks=$1 name=$2 job victim=""
    "$mpirun_sh" -np "$ranks" "$resode" "${run[@]}" "$3" --out "$work/$name" >"$work/$name.log" 2>&1 &
    job=$!
    killed_after=""
    for _ in $(seq 1 600); do  # up to 60 s: find the last rank's process first, so that the kill follows the checkpoint at once
        for pid in $(pgrep -f -- "--out $work/$name\$"); do
            local rank; rank=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
            if [ "$rank" = $((ranks - 1)) ]; then victim=$pid; fi
        done
        [ -n "$victim" ] && break
        sleep 0.05
    done
    for _ in $(seq 1 3000); do  # up to 60 s
        [ -f "$work/.$name.resode-partial/checkpoint.npz" ] && break
        sleep 0.02
    done
    [ -n "$victim" ] && kill -9 "$victim"
    wait $job
    if [ -n "$victim" ] && [ ! -e "$work/$name" ] && [ -f "$work/.$name.resode-partial/checkpoint.npz" ]; then
        killed_after=$(($(wc -l <"$work/.$name.resode-partial/metrics.csv") - 1))
    fi
}
for resume_ranks in 2 1; do
    name=killed$resume_ranks
    start_and_kill 2 $name 12
    if [ -z "$killed_after" ]; then fail "kill of a 2-rank run (to resume on $resume_ranks)" "the run was not killed midway; $(tail -3 "$work/$name.log")"; continue; fi
    "$mpirun_sh" -np $resume_ranks "$resode" train --resume "$work/$name" >"$work/$name.resume.log" 2>&1
    status=$?
    if [ $status -eq 0 ] && same_npz "$work/$name/weights.npz" "$work/whole2/weights.npz" && same_npz "$work/$name/head.npz" "$work/whole2/head.npz" \
        && same_npz "$work/$name/weights.npz" "$work/whole1/weights.npz" && same_npz "$work/$name/head.npz" "$work/whole1/head.npz" \
        && cmp -s <(cut -d, -f1-7 "$work/$name/metrics.csv") <(cut -d, -f1-7 "$work/whole2/metrics.csv"); then
        pass "2-rank run killed after epoch $killed_after of 12, resumed on $resume_ranks rank(s): weights and metrics bit-identical to uninterrupted 1- and 2-rank runs"
    else
        fail "resume on $resume_ranks rank(s) after a kill at epoch $killed_after" "status $status; $(tail -3 "$work/$name.resume.log")"
    fi
done
# A single-process run without blocks resumes only in one process (blocks would change its arithmetic);
# it is faster per epoch, so it gets more epochs to be killed midway.
start_and_kill 1 unblocked 24
if [ -n "$killed_after" ]; then
    "$mpirun_sh" -np 2 "$resode" train --resume "$work/unblocked" >"$work/unblocked.resume.log" 2>&1
    status=$?
    "$resode" train --resume "$work/unblocked" >"$work/unblocked.resume1.log" 2>&1
    status1=$?
    "$resode" "${run[@]}" 24 --out "$work/whole0" >"$work/whole0.log" 2>&1
    if [ $status -ne 0 ] && grep -q "resume it in one process" "$work/unblocked.resume.log" && [ $status1 -eq 0 ] \
        && same_npz "$work/unblocked/weights.npz" "$work/whole0/weights.npz" && same_npz "$work/unblocked/head.npz" "$work/whole0/head.npz"; then
        pass "an unblocked 1-process run killed after epoch $killed_after of 24: refused on 2 ranks (status $status), resumed in 1 process to the uninterrupted bits"
    else
        fail "unblocked resume" "status $status / $status1; $(tail -2 "$work/unblocked.resume.log") $(tail -2 "$work/unblocked.resume1.log")"
    fi
else
    fail "kill of a 1-process run" "the run was not killed midway; $(tail -3 "$work/unblocked.log")"
fi

# --- 5. The report over 2 ranks equals the single-process report (seconds, date and folder aside) ---
papers="euler-convergence seed-gradient-highway seed-saddle unet-long-skips"
for p in 1 2; do
    "$mpirun_sh" -np $p "$resode" report --quick --only $papers --out "$work/report$p" >"$work/report$p.log" 2>&1 \
        || fail "report with $p ranks" "$(tail -3 "$work/report$p.log")"
    sed -E -e '/^Generated /d' -e 's/[0-9][0-9.e+-]* s([ |._)]|$)/T s\1/g' "$work/report$p/index.md" >"$work/index$p.md"
    grep -v '"seconds"' "$work/report$p/results.json" >"$work/results$p.json"
done
if [ -f "$work/index2.md" ] && cmp -s "$work/index1.md" "$work/index2.md" && cmp -s "$work/results1.json" "$work/results2.json" \
    && diff -r -q -x index.md -x results.json "$work/report1" "$work/report2" >/dev/null \
    && [ "$(ls "$work/report2" | wc -l)" -gt 4 ]; then
    pass "report --quick over 2 ranks: index.md, results.json (seconds aside) and every figure file equal 1 rank's"
else
    fail "report over 2 ranks" "differs from 1 rank: $(diff "$work/index1.md" "$work/index2.md" | head -5)"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
