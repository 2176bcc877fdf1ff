#!/usr/bin/env bash
# Installs and starts everything the tests and `scc start` need on a fresh Debian machine, using only the
# project's own scripts and Debian/NuGet/npm packages. Idempotent: each step skips what is already there.
#   - a Docker engine (scripts/install-docker-engine.sh), the local debian:bookworm-slim base image and the
#     egress proxy's Squid build stage (compiled once, cached)
#   - clang and the Native AOT safety evaluator (scripts/build-evaluator.sh)
#   - the sample third-party plugin package (samples/gemini/build.sh)
# Set SCC_SKIP_DOCKER=1 to skip the engine and base image (unit tests only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
step() { printf '\n== prepare: %s\n' "$*" >&2; }

if [ "${SCC_SKIP_DOCKER:-0}" != "1" ]; then
    step "Docker engine"
    bash scripts/install-docker-engine.sh
    step "base image debian:bookworm-slim"
    bash scripts/make-base-image.sh
    # The proxy image compiles Squid (images/scc-egress-proxy/Dockerfile, a few minutes): once here, so the tests'
    # and scc's own builds of that image take the cached stage instead of compiling it side by side.
    step "egress proxy: Squid build stage"
    log="$(mktemp)"
    if ! docker build --target squid-build images/scc-egress-proxy >"$log" 2>&1; then
        tail -n 60 "$log" >&2; rm -f "$log"; echo "prepare: building the proxy's Squid stage failed" >&2; exit 1
    fi
    rm -f "$log"
fi

if [ -f scripts/build-evaluator.sh ]; then
    step "safety evaluator (Native AOT)"
    bash scripts/build-evaluator.sh
fi

step "sample plugin package"
bash samples/gemini/build.sh >/dev/null
