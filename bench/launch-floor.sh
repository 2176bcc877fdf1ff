#!/usr/bin/env bash
# The floor under a warm `scc start --detach`: what any .NET process pays to create and start the same container,
# side by side with `docker run -d` and scc in one run (alternating rounds, medians, ratios to docker run).
#   raw            the version, create and start requests over the socket: no HTTP or JSON library
#   docker-dotnet  the same through Docker.DotNet (version request, then a client pinned to it), as scc talks
#   scc            `scc start --detach` (open network), everything scc does around it
# Both floor programs are published the way scc is (self-contained, one ReadyToRun composite image).
# Usage: bench/launch-floor.sh [ROUNDS]   (default 12). Needs the images (scripts/scc images build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-12}"
. "$root/bench/publish-scc.sh"
export SCC_HELPER=0 # the floor compares new processes: scc's start in one of its own, not through the resident helper
floor="$root/artifacts/bench/launch-floor/LaunchFloor"
if [ ! -x "$floor" ]; then
    dotnet publish "$root/bench/LaunchFloor/LaunchFloor.csproj" -c Release -r linux-x64 -o "$root/artifacts/bench/launch-floor" -v q -nologo >/dev/null
fi
. "$root/bench/launch-common.sh"
cleanup() { docker rm -f $(docker ps -aq --filter "name=scc-floor-") >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

"$scc" start "$ws" --provider claude --detach >/dev/null 2>&1; stop_own # the first start makes the data volume
declare -A times
for ((i = 0; i < rounds; i++)); do
    for mode in raw docker-dotnet; do
        t0=$(date +%s%N); "$floor" "$mode" "$ws" "scc-floor-$mode-$i"; t1=$(date +%s%N)
        times[$mode]+=" $(ms "$t0" "$t1")"; docker rm -f "scc-floor-$mode-$i" >/dev/null
    done
    t0=$(date +%s%N); "$scc" start "$ws" --provider claude --detach >/dev/null 2>&1; t1=$(date +%s%N)
    times[scc]+=" $(ms "$t0" "$t1")"; stop_own
    t0=$(date +%s%N)
    docker_run "scc-floor-docker-$i"
    t1=$(date +%s%N); times[docker]+=" $(ms "$t0" "$t1")"; docker rm -f "scc-floor-docker-$i" >/dev/null
done

d=$(echo "${times[docker]}" | median)
printf 'rounds: %s; medians in ms; ratio to docker run -d\n' "$rounds"
printf '%-40s %8s\n' "docker run -d" "$d"
for k in raw docker-dotnet scc; do
    m=$(echo "${times[$k]}" | median)
    label=$([ "$k" = scc ] && echo "scc start --detach" || echo ".NET floor, $k")
    awk -v l="$label" -v m="$m" -v d="$d" 'BEGIN { printf "%-40s %8s  ratio %.2f\n", l, m, m / d }'
done
