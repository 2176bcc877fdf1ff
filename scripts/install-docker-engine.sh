#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine (DESIGN.md §10).
#
# When `docker info` already succeeds this script does nothing but print the engine version,
# so it is safe to call from CI on every run. Otherwise it installs Debian's `docker.io`
# (only when `dockerd` is missing), starts `dockerd` in the background and waits for it.
#
# Environment:
#   SCC_DOCKERD_LOG      log file of the background dockerd (default /var/log/scc-dockerd.log,
#                        /tmp/scc-dockerd.log when /var/log is not writable)
#   SCC_DOCKERD_TIMEOUT  seconds to wait for the engine to answer (default 60)
#   SCC_DOCKERD_ARGS     extra arguments for dockerd (word-split), e.g. "--iptables=false"
set -euo pipefail

timeout_s="${SCC_DOCKERD_TIMEOUT:-60}"
socket="/var/run/docker.sock"

log() { printf 'install-docker-engine: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True when an engine answers. Uses the CLI when there is one (it honours DOCKER_HOST and
# contexts); without a CLI, ask the default socket directly.
engine_answers() {
    if command -v docker >/dev/null 2>&1; then
        docker info >/dev/null 2>&1
    elif [ -S "$socket" ] && command -v curl >/dev/null 2>&1; then
        curl -fsS --max-time 5 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
    else
        return 1
    fi
}

print_version() {
    if command -v docker >/dev/null 2>&1; then
        docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}'
    else
        curl -fsS --unix-socket "$socket" http://localhost/version
        echo
    fi
}

wait_for_engine() {
    local waited=0
    until engine_answers; do
        if [ "$waited" -ge "$timeout_s" ]; then
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

if engine_answers; then
    log "an engine already answers; nothing to do"
    print_version
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    die "no Docker engine answers and installing/starting one needs root (run with sudo)"
fi

# A dockerd that is still starting (another run of this script, or a service manager) must not
# get a twin: two daemons on one data root corrupt each other.
if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd is running but not answering yet; waiting up to ${timeout_s}s"
    wait_for_engine || die "dockerd is running but did not answer within ${timeout_s}s"
    print_version
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and apt-get is not available; install a Docker engine by hand"
    log "installing Debian's docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends docker.io
    command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is still not on PATH"
fi

# The package's postinst may have started the service where a service manager exists.
if engine_answers; then
    log "the engine was started by the package's service"
    print_version
    exit 0
fi

dockerd_log="${SCC_DOCKERD_LOG:-/var/log/scc-dockerd.log}"
if ! ( : >>"$dockerd_log" ) 2>/dev/null; then
    dockerd_log="/tmp/scc-dockerd.log"
fi

# A socket left behind by a daemon that died would make dockerd refuse to start.
if [ -S "$socket" ] && ! pgrep -x dockerd >/dev/null 2>&1; then
    rm -f "$socket"
fi

log "starting dockerd in the background (log: $dockerd_log)"
# shellcheck disable=SC2086 # SCC_DOCKERD_ARGS is meant to be word-split
nohup dockerd ${SCC_DOCKERD_ARGS:-} >>"$dockerd_log" 2>&1 </dev/null &
dockerd_pid=$!
disown "$dockerd_pid" 2>/dev/null || true

waited=0
until engine_answers; do
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        log "dockerd exited; last lines of $dockerd_log:"
        tail -n 20 "$dockerd_log" >&2 || true
        exit 1
    fi
    if [ "$waited" -ge "$timeout_s" ]; then
        log "dockerd (pid $dockerd_pid) did not answer within ${timeout_s}s; last lines of $dockerd_log:"
        tail -n 20 "$dockerd_log" >&2 || true
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done

log "dockerd (pid $dockerd_pid) answers after ${waited}s"
print_version
