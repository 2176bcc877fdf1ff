#!/usr/bin/env bash
# Whole-process start-up timings of the published (ReadyToRun) CLI, side by side in one run:
#   scc --version                      (target: median <= 120 ms)
#   dotnet scc.dll --version           (the same code through the muxer, no apphost: the baseline)
#   scc plugins list                   (loads both built-in plugins)
#   scc plugins list, no plugins       (the same publish without its plugins/ folder)
# The plugin cost is the difference of the last two medians (target: <= 80 ms).
# Usage: bench/startup.sh [RUNS]   (default 30 runs each; medians in ms)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-30}"
pub="$root/artifacts/bench/scc"
bare="$root/artifacts/bench/scc-noplugins"
rm -rf "$pub" "$bare"
dotnet publish "$root/host/Scc.Cli/Scc.Cli.csproj" -c Release -r linux-x64 --self-contained false -o "$pub" -v q -nologo >/dev/null
cp -r "$pub" "$bare" && rm -rf "$bare/plugins"
state=$(mktemp -d)
export XDG_STATE_HOME="$state/state" XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" XDG_CACHE_HOME="$state/cache"

median() { # runs the command $runs times (after 3 warm-ups), prints the median wall time in ms
    local i t0 t1
    for i in 1 2 3; do "$@" >/dev/null 2>&1 || true; done
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
    done | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}

v=$(median "$pub/scc" --version)
d=$(median dotnet "$pub/scc.dll" --version)
l=$(median "$pub/scc" plugins list)
n=$(median "$bare/scc" plugins list)
rm -rf "$state"
printf 'runs per command: %s (median wall time, ms)\n' "$runs"
printf '%-38s %8s\n' "scc --version" "$v" "dotnet scc.dll --version (baseline)" "$d" "scc plugins list (2 built-in plugins)" "$l" "scc plugins list (no plugins)" "$n"
awk -v v="$v" -v d="$d" -v l="$l" -v n="$n" 'BEGIN {
    printf "ratio scc --version / dotnet scc.dll --version: %.2f\n", v / d;
    printf "plugin loading adds: %.1f ms (target <= 80)\n", l - n;
    printf "scc --version median: %.1f ms (target <= 120)\n", v }'
