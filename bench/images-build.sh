#!/usr/bin/env bash
# Cold build time of each scc image (issue 5, benchmarks): every build runs with --no-cache, in
# the order `scc images build` uses (base -> agents), with the classic builder the C# image
# builder drives. Prints one line per image: "<image> <seconds>s", then a total.
#
# Usage: bench/images-build.sh [--evaluator FILE] [--ca-cert FILE]... [--with-debian]
#   --evaluator FILE  scc-safety-eval for scc-base (default: $SCC_EVALUATOR, then
#                     artifacts/evaluator/linux-x64/scc-safety-eval, else a stand-in script:
#                     the build time does not depend on which)
#   --ca-cert FILE    extra CA certificate(s), as for scc images build --ca-cert (repeatable)
#   --with-debian     also time scripts/make-base-image.sh --force (debootstrap + import), into a
#                     separate tag so the machine's debian:bookworm-slim is left alone
# Images are tagged :bench so the ones in use are not replaced.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
evaluator="${SCC_EVALUATOR:-$repo/artifacts/evaluator/linux-x64/scc-safety-eval}"
ca_certs=()
with_debian=0
while [ $# -gt 0 ]; do
    case "$1" in
        --evaluator) evaluator="$2"; shift 2 ;;
        --ca-cert) ca_certs+=("$2"); shift 2 ;;
        --with-debian) with_debian=1; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "images-build: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

docker info >/dev/null 2>&1 || { echo "images-build: no Docker engine answers" >&2; exit 1; }
"$repo/scripts/make-base-image.sh" >/dev/null 2>&1

work="$(mktemp -d "${TMPDIR:-/tmp}/scc-bench-images.XXXXXX")"
trap 'rm -rf "$work"' EXIT

ctx="$work/scc-base"
mkdir -p "$ctx"
cp -R "$repo/images/scc-base/." "$ctx/"
rm -f "$ctx/certs/.gitkeep"
if [ -s "$evaluator" ]; then
    cp "$evaluator" "$ctx/scc-safety-eval"
else
    echo "images-build: no evaluator at $evaluator; timing with a stand-in" >&2
    printf '#!/bin/sh\nexec "/usr/libexec/scc/real/$(basename "$0")" "$@"\n' >"$ctx/scc-safety-eval"
fi
chmod 0755 "$ctx/scc-safety-eval"
n=0
for cert in "${ca_certs[@]}"; do
    n=$((n + 1))
    cp "$cert" "$ctx/certs/extra-$n.crt"
done

total=0
timed() { # label command…
    local label="$1" start end
    shift
    start=$(date +%s.%N)
    if ! "$@" >"$work/$label.log" 2>&1; then
        echo "images-build: $label failed; last lines:" >&2
        tail -n 30 "$work/$label.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    local secs
    secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
    total=$(awk -v t="$total" -v s="$secs" 'BEGIN { printf "%.1f", t + s }')
    printf '%-22s %7ss\n' "$label" "$secs"
}

build() { DOCKER_BUILDKIT=0 docker build --no-cache "$@"; }

if [ "$with_debian" -eq 1 ]; then
    timed "debian:bookworm-slim" env SCC_BASE_IMAGE_TAG=scc-bench-debian:bookworm-slim \
        "$repo/scripts/make-base-image.sh" --force
    docker rmi scc-bench-debian:bookworm-slim >/dev/null 2>&1 || true
fi
timed scc-base build -t scc-base:bench "$ctx"
timed scc-agent-claude build -t scc-agent-claude:bench --build-arg BASE=scc-base:bench \
    "$repo/plugins/claude/Scc.Plugins.Claude/image"
timed scc-agent-codex build -t scc-agent-codex:bench --build-arg BASE=scc-base:bench \
    "$repo/plugins/codex/Scc.Plugins.Codex/image"
printf '%-22s %7ss\n' total "$total"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep ':bench ' | sed 's/^/size /'
