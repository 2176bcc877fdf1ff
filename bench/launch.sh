#!/usr/bin/env bash
# Whole-process launch timings on the real engine, each side by side with its baseline in one run:
#   1. warm `scc start --detach` (image present, open network, the resident helper running)  vs  `docker run -d` of
#      the same image with the same mounts and hardening          (target ratio <= 1.5); beside it, in the same loop,
#      the same start in a new process of its own (SCC_HELPER=0)
#   2. `git status` through the safety wrapper inside the sandbox  vs  the real git binary, both via docker exec
#                                                                  (target ratio <= 1.3)
#   3. warm `scc start --detach` with web-egress-enforced  minus  the open start: the time the proxy adds
#                                                                  (target <= 1 s)
# Usage: bench/launch.sh [RUNS]   (default 10; medians in ms). Needs the images (scripts/scc images build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-10}"
. "$root/bench/publish-scc.sh"
. "$root/bench/launch-common.sh"

# Enforced egress (needs the proxy image; an org config selects the policy) is timed in the same loop as the open
# start, so both see the same machine load: the difference is what the proxy adds.
org="$tmp/org.json"
printf '{"schema_version":"1.0.0","organization":{"name":"bench","id":"bench"},"defaults":{"network_policy":"web-egress-enforced"}}' > "$org"
enforced=0
docker image inspect scc-egress-proxy >/dev/null 2>&1 && enforced=1

# The first detached start without a terminal starts the resident helper (docs/runtime.md, "The resident helper");
# the measured ones find it running.
"$scc" start "$ws" --provider claude --detach </dev/null >/dev/null 2>&1
stop_own
for ((i = 0; i < 100; i++)); do
    "$scc" helper status </dev/null 2>/dev/null | grep -q '^running' && break
    sleep 0.1
done

start_times=(); process_times=(); docker_times=(); enforced_times=()
for ((i = 0; i < runs; i++)); do
    if [ "$enforced" = 1 ]; then
        t0=$(date +%s%N); "$scc" --org-config "$org" start "$ws" --provider claude --detach </dev/null >/dev/null 2>&1; t1=$(date +%s%N)
        enforced_times+=("$(ms "$t0" "$t1")")
        stop_own
    fi
    t0=$(date +%s%N); "$scc" start "$ws" --provider claude --detach </dev/null >/dev/null 2>&1; t1=$(date +%s%N)
    start_times+=("$(ms "$t0" "$t1")")
    stop_own
    t0=$(date +%s%N); SCC_HELPER=0 "$scc" start "$ws" --provider claude --detach </dev/null >/dev/null 2>&1; t1=$(date +%s%N)
    process_times+=("$(ms "$t0" "$t1")")
    stop_own
    t0=$(date +%s%N)
    docker_run "scc-bench-$i"
    t1=$(date +%s%N)
    docker_times+=("$(ms "$t0" "$t1")")
    docker rm -f "scc-bench-$i" >/dev/null
done

"$scc" start "$ws" --provider claude --detach >/dev/null 2>&1
c=$(docker ps -q --filter "label=scc.workspace=$ws" | head -1)
wrapped=(); real=()
for ((i = 0; i < 20; i++)); do
    t0=$(date +%s%N); docker exec -w "$ws" "$c" git status >/dev/null; t1=$(date +%s%N); wrapped+=("$(ms "$t0" "$t1")")
    t0=$(date +%s%N); docker exec -w "$ws" "$c" /usr/libexec/scc/real/git status >/dev/null; t1=$(date +%s%N); real+=("$(ms "$t0" "$t1")")
done
stop_own
"$scc" helper stop </dev/null >/dev/null
rm -rf "$tmp"

s=$(printf '%s\n' "${start_times[@]}" | median); d=$(printf '%s\n' "${docker_times[@]}" | median)
p=$(printf '%s\n' "${process_times[@]}" | median)
w=$(printf '%s\n' "${wrapped[@]}" | median); r=$(printf '%s\n' "${real[@]}" | median)
printf 'runs: %s (git status: 20); medians in ms\n' "$runs"
printf '%-52s %8s\n' "scc start --detach (warm, open network, helper)" "$s" "scc start --detach (a new process: SCC_HELPER=0)" "$p" \
    "docker run -d (same image, mounts, hardening)" "$d" \
    "git status via wrapper (docker exec)" "$w" "git status, real binary (docker exec)" "$r"
awk -v s="$s" -v d="$d" 'BEGIN { printf "ratio start / docker run: %.2f (target <= 1.5)\n", s / d }'
awk -v p="$p" -v d="$d" 'BEGIN { printf "ratio start in a new process / docker run: %.2f\n", p / d }'
awk -v w="$w" -v r="$r" 'BEGIN { printf "ratio wrapped / real git status: %.2f (target <= 1.3)\n", w / r }'
if [ "${#enforced_times[@]}" -gt 0 ]; then
    e=$(printf '%s\n' "${enforced_times[@]}" | median)
    printf '%-52s %8s\n' "scc start --detach (web-egress-enforced)" "$e"
    awk -v e="$e" -v s="$s" 'BEGIN { printf "the proxy adds: %d ms (target <= 1000)\n", e - s }'
fi
