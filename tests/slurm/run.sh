#!/bin/sh
# tests/slurm/run.sh — the Slurm scripts of contrib/slurm/ on a real
# one-node cluster started here: munged, slurmctld and slurmd on localhost
# with a generated slurm.conf (all CPUs of this machine, private ports,
# state and sockets in a temporary directory).  Scans 34 suspects (the
# demo's, padded copies, scaled plates, 4 broken) as a job array of parts
# against the replicated index, and as a shards x parts array against a
# sharded one with one task killed and requeued mid-part
# (scontrol requeue); each time the merge runs as a dependent job and its
# output must equal a single-process scan byte for byte: every input once,
# the same verdicts, works, segments and scores, the broken ones as
# errors.  Prints wall times for 1 and 2 array tasks.
# Not part of `make test`: `make slurm-test` (root, slurm-wlm and munge:
# sh .ci/install-deps --slurm).  Skips, with a message, where Slurm cannot
# start.  Usage: sh tests/slurm/run.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
export LIKENESS="$build/likeness"
skip() { echo "slurm-test: skipped: $*"; exit 0; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }
[ -x "$LIKENESS" ] || fail "no $LIKENESS: run make first"
[ "$(id -u)" -eq 0 ] || skip "starting munged, slurmctld and slurmd needs root"
for b in munged munge slurmctld slurmd sbatch squeue scontrol sinfo jq ffmpeg; do
    command -v $b >/dev/null 2>&1 || skip "$b is not installed (sh .ci/install-deps --slurm)"
done
W=$(mktemp -d /tmp/likeness-slurm.XXXXXX)
chmod 755 "$W"
export SLURM_CONF="$W/slurm.conf"
stop() {
    for p in slurmd slurmctld munged; do
        [ -s "$W/$p.pid" ] && kill "$(cat "$W/$p.pid")" 2>/dev/null
    done
    sleep 1
    [ -n "${LK_SLURM_KEEP:-}" ] || rm -rf "$W"
}
trap stop EXIT
trap 'exit 1' INT TERM

. "$top/tests/slurm/cluster.sh"
start_cluster || skip "Slurm did not start (logs above)"
. "$top/tests/slurm/data.sh"
make_data

# One process over the whole list: the reference result.
t0=$(date +%s.%N)
"$LIKENESS" scan --index "$D/ref.idx" --jsonl --jobs 1 --files-from "$D/list" \
    >"$D/single.jsonl" 2>/dev/null
echo "slurm-test: single process, 1 thread: $(elapsed "$t0") s"
[ "$(wc -l <"$D/single.jsonl")" -eq "$(wc -l <"$D/list")" ] || fail "single scan incomplete"
[ "$(jq -r 'select(.verdict == "error") | .file' "$D/single.jsonl" | wc -l)" -eq 4 ] ||
    fail "expected 4 errors in the single scan"

# same OUT: the merge job's all.jsonl equals the single scan.
# (but for when each run started and the path its index was named by)
same() {
    for f in "$1/all.jsonl" "$D/single.jsonl"; do
        jq -c 'del(.run.started, .run.index.path)' "$f" > "$f.cmp"
    done
    cmp -s "$1/all.jsonl.cmp" "$D/single.jsonl.cmp" ||
        { diff "$1/all.jsonl.cmp" "$D/single.jsonl.cmp" | head -20 >&2; fail "$1/all.jsonl differs"; }
    jq -r .file "$1/all.jsonl" | sort | uniq -d | grep -q . && fail "$1: an input twice"
    echo "slurm-test: $1/all.jsonl equals the single-process scan"
}

export SBATCH_OPTS="--cpus-per-task=1"
# Replicated index, 1 then 2 array tasks (the throughput of this machine).
for n in 1 2; do
    t0=$(date +%s.%N)
    ids=$(sh "$top/contrib/slurm/submit.sh" "$D/list" "$D/ref.idx" "$W/rep$n" $n) ||
        fail "submit failed"
    wait_job "$(echo "$ids" | sed -n 's/.*merge: \([0-9]*\).*/\1/p')" || fail "merge job failed"
    echo "slurm-test: replicated index, $n array task(s): $(elapsed "$t0") s, submit to merged"
    same "$W/rep$n"
done

# Replicated index staged to node-local disk, 3 parts.
t0=$(date +%s.%N)
LIKENESS_STAGE=1 TMPDIR="$W/nodelocal" sh -c 'mkdir -p "$TMPDIR"; sh "$0/contrib/slurm/submit.sh" "$1" "$2" "$3" 3' \
    "$top" "$D/list" "$D/ref.idx" "$W/staged" >"$W/ids" || fail "submit failed"
wait_job "$(sed -n 's/.*merge: \([0-9]*\).*/\1/p' "$W/ids")" || fail "staged merge job failed"
grep -q "nodelocal/likeness\.[0-9]*/ref.idx" "$W"/staged/scan-*_1.log || fail "the staged index was not used"
echo "slurm-test: staged index, 3 array tasks: $(elapsed "$t0") s"
same "$W/staged"

# Sharded index: 2 shards x 2 parts, one task requeued mid-part.
"$LIKENESS" index shard --index "$D/ref.idx" --shards 2 "$D/shards" >/dev/null ||
    fail "index shard failed"
t0=$(date +%s.%N)
ids=$(sh "$top/contrib/slurm/submit.sh" --shards "$D/shards/manifest.json" "$D/list" \
    "$W/sharded" 2) || fail "submit failed"
scan=$(echo "$ids" | sed -n 's/scan array: \([0-9]*\).*/\1/p')
requeue_mid_part "$scan" "$W/sharded" 2 || fail "no task could be requeued mid-part"
wait_job "$(echo "$ids" | sed -n 's/.*merge: \([0-9]*\).*/\1/p')" || fail "sharded merge failed"
echo "slurm-test: 2 shards x 2 parts, one requeued: $(elapsed "$t0") s"
same "$W/sharded"
echo "slurm-test: passed"
