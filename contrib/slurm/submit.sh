#!/bin/sh
# submit.sh — submits a scan array and its merge (--dependency=afterok) and
# prints the job ids.  Extra sbatch options (partition, time, account,
# --cpus-per-task) go in $SBATCH_OPTS; the scripts' logs go to OUTDIR.
#
#   contrib/slurm/submit.sh LIST INDEX OUTDIR N                 replicated index, N parts
#   contrib/slurm/submit.sh --shards MANIFEST LIST OUTDIR P     every shard x P parts
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: submit.sh LIST INDEX OUTDIR N | submit.sh --shards MANIFEST LIST OUTDIR P"
if [ "${1:-}" = --shards ]; then
    manifest=${2:?$usage} list=${3:?$usage} out=${4:?$usage} parts=${5:?$usage}
    tasks=$(($(jq '.shards | length' "$manifest") * parts))
    set -- "$here/shard-scan.sbatch" "$list" "$manifest" "$out" "$parts"
else
    manifest="" list=${1:?$usage} out=${3:?$usage} parts=${4:?$usage}
    tasks=$parts
    set -- "$here/scan-array.sbatch" "$list" "${2:?$usage}" "$out"
fi
mkdir -p "$out"
# shellcheck disable=SC2086
scan=$(sbatch --parsable ${SBATCH_OPTS:-} --output="$out/scan-%A_%a.log" \
    --array=1-"$tasks" "$@")
scan=${scan%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTS:-} --output="$out/merge-%j.log" \
    --dependency=afterok:"$scan" "$here/merge.sbatch" "$list" "$out" $manifest)
echo "scan array: $scan  merge: ${merge%%;*}  (result: $out/all.jsonl)"
