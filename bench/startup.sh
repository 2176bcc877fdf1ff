#!/usr/bin/env bash
# Whole-process start-up timings of the published (ReadyToRun) CLI, side by side in one run:
#   scc --version                      (target: median <= 120 ms)
#   scc --version, framework-dependent (the same code published framework-dependent ReadyToRun, without the
#                                       self-contained composite image: the baseline)
#   scc plugins list                   (loads both built-in plugins)
#   scc plugins list, no plugins       (the same publish without its plugins/ folder)
# The plugin cost is the difference of the last two medians (target: <= 80 ms).
# Usage: bench/startup.sh [RUNS]   (default 30 runs each; medians in ms)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-30}"
pub="$root/artifacts/bench/scc"
bare="$root/artifacts/bench/scc-noplugins"
fdd="$root/artifacts/bench/scc-fdd"
rm -rf "$pub" "$bare" "$fdd"
# The two publishes share obj/: a ReadyToRun step that thinks it is up to date would copy the other variant's native
# code (composite stubs without their image crash the runtime at start), so each starts from a clean RID folder.
rm -rf "$root"/host/Scc.Cli/obj/Release/*/linux-x64
dotnet publish "$root/host/Scc.Cli/Scc.Cli.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRunComposite=false \
    -o "$fdd" -v q -nologo >/dev/null
rm -rf "$root"/host/Scc.Cli/obj/Release/*/linux-x64
dotnet publish "$root/host/Scc.Cli/Scc.Cli.csproj" -c Release -r linux-x64 -o "$pub" -v q -nologo >/dev/null
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
d=$(median "$fdd/scc" --version)
f=$(median "$fdd/scc" plugins list)
l=$(median "$pub/scc" plugins list)
n=$(median "$bare/scc" plugins list)
rm -rf "$state"
printf 'runs per command: %s (median wall time, ms)\n' "$runs"
printf '%-38s %8s\n' "scc --version" "$v" "scc --version, framework-dependent" "$d" "scc plugins list (2 built-in plugins)" "$l" "scc plugins list (no plugins)" "$n" \
    "scc plugins list, framework-dependent" "$f"
awk -v v="$v" -v d="$d" -v l="$l" -v n="$n" -v f="$f" 'BEGIN {
    printf "ratio scc --version / framework-dependent: %.2f\n", v / d;
    printf "ratio scc plugins list / framework-dependent: %.2f\n", l / f;
    printf "plugin loading adds: %.1f ms (target <= 80)\n", l - n;
    printf "scc --version median: %.1f ms (target <= 120)\n", v }'
