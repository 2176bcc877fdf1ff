#!/usr/bin/env bash
# Sourced by the whole-process launch benchmarks (launch.sh, launch-floor.sh) after publish-scc.sh: one scratch
# scc home and workspace, the helpers, and the one `docker run -d` every start is compared with.
# Sets $tmp (remove it when done), $ws and $image.
image=scc-agent-claude
docker image inspect "$image" >/dev/null 2>&1 || { echo "build the images first: scripts/scc images build" >&2; exit 1; }
tmp=$(mktemp -d)
export XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
ws="$tmp/ws"; mkdir -p "$ws"; (cd "$ws" && git init -q && git -c user.email=b@b -c user.name=b commit -q --allow-empty -m b); chown -R 1000:1000 "$ws"

# Stops only this run's sessions (by workspace label): `scc stop --all` would also stop other sessions on the engine.
stop_own() {
    for c in $(docker ps -a --filter "label=scc.workspace=$ws" --format '{{.Names}}' | grep -v -- '-proxy$'); do
        "$scc" stop "$c" >/dev/null 2>&1 || true
    done
}

ms() { echo $(( ($2 - $1) / 1000000 )); }

# The median of numbers separated by spaces or newlines.
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The baseline: the agent image with a start's mounts and hardening, through the docker CLI (bench/LaunchFloor
# creates the same container). Usage: docker_run NAME
docker_run() {
    docker run -d --name "$1" --init --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges:true \
        --pids-limit 2048 --memory 4g -v "$ws:$ws" -v docker-claude-sandbox-data:/home/agent/.claude -w "$ws" \
        "$image" sleep infinity >/dev/null
}
