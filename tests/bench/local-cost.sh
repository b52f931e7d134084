#!/bin/sh
# local-cost.sh LIKENESS INDEX LIST [ROUNDS] — the CPU a scan spends on
# local features: `scan --jobs 1` of the suspects listed in LIST (one path
# per line) with and without them (--no-local), ROUNDS times each way
# (default 3), alternating in one run so that load affects both alike.
# Prints each run's CPU seconds (user + system) and the medians' ratio.
set -eu
L=$1 IDX=$2 LIST=$3 R=${4:-3}
t=$(mktemp)
trap 'rm -f "$t"' EXIT
for r in $(seq "$R"); do
    for m in local no-local; do
        opt=; [ $m = no-local ] && opt=--no-local
        # shellcheck disable=SC2086
        /usr/bin/time -f "%U %S" -o "$t" "$L" scan --index "$IDX" --jobs 1 --jsonl $opt \
            --files-from "$LIST" >/dev/null 2>&1 || [ $? -le 1 ] || exit 2
        echo "$m $(tail -n 1 "$t" | awk '{print $1 + $2}')"
    done
done | awk '{print; v[$1] = v[$1] " " $2} END {
    for (m in v) { n = split(v[m], a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }; med[m] = a[int((n + 1) / 2)] }
    printf "median cpu: local %.2f s, no-local %.2f s, ratio %.2fx\n", med["local"],
        med["no-local"], med["local"] / med["no-local"] }'
