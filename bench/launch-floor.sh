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
floor="$root/artifacts/bench/launch-floor/LaunchFloor"
if [ ! -x "$floor" ]; then
    dotnet publish "$root/bench/LaunchFloor/LaunchFloor.csproj" -c Release -r linux-x64 -o "$root/artifacts/bench/launch-floor" -v q -nologo >/dev/null
fi
image=scc-agent-claude
docker image inspect "$image" >/dev/null 2>&1 || { echo "build the images first: scripts/scc images build" >&2; exit 1; }

tmp=$(mktemp -d)
export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
ws="$tmp/ws"; mkdir -p "$ws"; (cd "$ws" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m b); chown -R 1000:1000 "$ws"
cleanup() { docker rm -f $(docker ps -aq --filter "name=scc-floor-") >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
stop_scc() {
    for c in $(docker ps -a --filter "label=scc.workspace=$ws" --format '{{.Names}}'); do "$scc" stop "$c" >/dev/null 2>&1 || true; done
}
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$scc" start "$ws" --provider claude --detach >/dev/null 2>&1; stop_scc # the first start makes the data volume
declare -A times
for ((i = 0; i < rounds; i++)); do
    for mode in raw docker-dotnet; do
        t0=$(date +%s%N); "$floor" "$mode" "$ws" "scc-floor-$mode-$i"; t1=$(date +%s%N)
        times[$mode]+=" $(ms "$t0" "$t1")"; docker rm -f "scc-floor-$mode-$i" >/dev/null
    done
    t0=$(date +%s%N); "$scc" start "$ws" --provider claude --detach >/dev/null 2>&1; t1=$(date +%s%N)
    times[scc]+=" $(ms "$t0" "$t1")"; stop_scc
    t0=$(date +%s%N)
    docker run -d --name "scc-floor-docker-$i" --init --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges:true \
        --pids-limit 2048 --memory 4g -v "$ws:$ws" -v docker-claude-sandbox-data:/home/agent/.claude -w "$ws" "$image" sleep infinity >/dev/null
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
