#!/usr/bin/env bash
# Builds scc-base, scc-agent-claude and scc-agent-codex from the repository's Dockerfiles (the
# same contexts `scc images build` assembles, docs/images.md) and asserts what the runtime relies
# on: the non-root agent user, the safety wrapper layout, git working through the evaluator,
# a force push blocked with exit 2, the extra CAs, `claude --version` / `codex --version`, no npm
# cache. Exit 0 when every check passes.
#
# Usage: scripts/check-images.sh [--evaluator FILE | --stand-in] [--ca-cert FILE]... [--no-cache]
#                                [--skip-agents] [--tag TAG]
#   --evaluator FILE  the linux scc-safety-eval to put in scc-base (default: $SCC_EVALUATOR, then
#                     artifacts/evaluator/linux-x64/scc-safety-eval)
#   --stand-in        use a tiny shell stand-in instead of the real evaluator: checks the layout
#                     only, never the safety rules (for working on the images without the evaluator)
#   --ca-cert FILE    an extra CA certificate (PEM, bundles allowed); repeatable. CI passes
#                     /etc/ssl/certs/ca-certificates.crt (DESIGN.md §10). Also $SCC_EXTRA_CA_CERTS
#                     (colon-separated).
#   --tag TAG         tag of the built images (default: latest)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
evaluator="${SCC_EVALUATOR:-$repo/artifacts/evaluator/linux-x64/scc-safety-eval}"
stand_in=0
no_cache=()
skip_agents=0
tag="latest"
ca_certs=()
if [ -n "${SCC_EXTRA_CA_CERTS:-}" ]; then
    IFS=: read -r -a ca_certs <<<"$SCC_EXTRA_CA_CERTS"
fi
while [ $# -gt 0 ]; do
    case "$1" in
        --evaluator) evaluator="$2"; shift 2 ;;
        --stand-in) stand_in=1; shift ;;
        --ca-cert) ca_certs+=("$2"); shift 2 ;;
        --no-cache) no_cache=(--no-cache); shift ;;
        --skip-agents) skip_agents=1; shift ;;
        --tag) tag="$2"; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "check-images: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
# check "description" command…: passes when the command succeeds.
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what"; fi; }
die() { echo "check-images: error: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/install-docker-engine.sh"
"$repo/scripts/make-base-image.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/scc-check-images.XXXXXX")"
cleanup() {
    docker rm -f "scc-check-$$" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# --- scc-base context: the folder, the evaluator, the CAs (docs/images.md) --------------------
ctx="$work/scc-base"
mkdir -p "$ctx"
cp -R "$repo/images/scc-base/." "$ctx/"
rm -f "$ctx/certs/.gitkeep"
if [ "$stand_in" -eq 1 ]; then
    cat >"$ctx/scc-safety-eval" <<'EOF'
#!/bin/sh
# Stand-in for scc-safety-eval (layout checks only): blocks a force push, allows the rest.
name="$(basename "$0")"
[ "$name" = scc-safety-eval ] && { echo "scc-safety-eval stand-in"; exit 0; }
if [ "$name" = git ]; then
    case " $* " in *" push "*) case " $* " in *" -f "*|*" --force "*) echo "blocked (stand-in): force push" >&2; exit 2 ;; esac ;; esac
fi
printf '{"tool":"%s"}\n' "$name" >>/run/scc/audit/safety.jsonl 2>/dev/null || true
exec "/usr/libexec/scc/real/$name" "$@"
EOF
    chmod 0755 "$ctx/scc-safety-eval"
    echo "check-images: using a stand-in evaluator: the safety rules are NOT checked"
else
    [ -s "$evaluator" ] || die "no evaluator at $evaluator (build it with scripts/build-evaluator.sh, pass --evaluator FILE, or --stand-in)"
    cp "$evaluator" "$ctx/scc-safety-eval"
    chmod 0755 "$ctx/scc-safety-eval"
fi
i=0
for cert in "${ca_certs[@]}"; do
    [ -r "$cert" ] || die "cannot read CA certificate $cert"
    i=$((i + 1))
    cp "$cert" "$ctx/certs/extra-$i.crt"
done
ca_fingerprint="none"
if [ "$i" -gt 0 ]; then
    ca_fingerprint="$(cat "$ctx"/certs/*.crt | sha256sum | cut -c1-16)"
fi

build() { # name context [build-arg…]
    local name="$1" context="$2"; shift 2
    local args=() start end
    for a in "$@"; do args+=(--build-arg "$a"); done
    start=$(date +%s)
    if DOCKER_BUILDKIT=0 docker build "${no_cache[@]}" -t "$name:$tag" "${args[@]}" "$context" >"$work/$name.log" 2>&1; then
        end=$(date +%s)
        ok "build $name:$tag ($((end - start))s)"
    else
        fail "build $name:$tag (last lines of the log follow)"
        tail -n 30 "$work/$name.log"
        exit 1
    fi
}

build scc-base "$ctx" "BASE_IMAGE=${SCC_BASE_IMAGE:-debian:bookworm-slim}" "SCC_CA_FINGERPRINT=$ca_fingerprint"

run_base() { docker run --rm "$@"; }
base="scc-base:$tag"
eval_path=/usr/libexec/scc/scc-safety-eval

# --- scc-base: user and layout ------------------------------------------------------------------
check "scc-base runs as agent uid 1000 gid 1000" \
    test "$(run_base "$base" id -u):$(run_base "$base" id -g):$(run_base "$base" whoami)" = "1000:1000:agent"
check "scc-base home is /home/agent, workdir /workspace" \
    test "$(run_base "$base" sh -c 'echo $HOME:$(pwd)')" = "/home/agent:/workspace"
check "evaluator is a root-owned executable" \
    test "$(run_base "$base" stat -c '%U %a' "$eval_path")" = "root 755"
layout="$(run_base "$base" sh -c '
    for t in git curl wget ssh scp sftp rsync nc ncat socat telnet; do
        if [ -L /usr/bin/$t ]; then
            printf "%s %s %s\n" "$t" "$(readlink /usr/bin/$t)" "$(test -x /usr/libexec/scc/real/$t -a ! -L /usr/libexec/scc/real/$t && echo real-ok || echo real-missing)"
        elif [ -e /usr/bin/$t ]; then
            printf "%s unwrapped -\n" "$t"
        fi
    done')"
for t in git curl wget ssh scp sftp rsync; do
    check "/usr/bin/$t links to the evaluator, real binary in /usr/libexec/scc/real" \
        grep -qx "$t $eval_path real-ok" <<<"$layout"
done
check "no guarded tool is left unwrapped" bash -c "! grep -q unwrapped <<<\"\$1\"" _ "$layout"
check "/usr/lib/git-core/git links to the evaluator" \
    test "$(run_base "$base" readlink /usr/lib/git-core/git)" = "$eval_path"
check "no dashed git built-in reaches git unguarded" \
    test -z "$(run_base "$base" sh -c 'for f in /usr/lib/git-core/git-* /usr/bin/git-*; do [ -L "$f" ] || continue; case "$(basename "$f")" in git-upload-pack|git-receive-pack|git-upload-archive) [ "$(readlink "$f")" = /usr/libexec/scc/real/git ] || echo "$f";; git-remote-ftp|git-remote-ftps|git-remote-https) ;; *) echo "$f";; esac; done')"
check "real git keeps its exec path /usr/lib/git-core" \
    test "$(run_base "$base" /usr/libexec/scc/real/git --exec-path)" = /usr/lib/git-core
check "/etc/scc is root-owned 0755" test "$(run_base "$base" stat -c '%U %a' /etc/scc)" = "root 755"
check "/run/scc/audit is writable by the agent" run_base "$base" sh -c 'touch /run/scc/audit/probe'
check "dpkg diverts the wrapped binaries" \
    test "$(run_base "$base" sh -c 'dpkg-divert --list | grep -c /usr/libexec/scc/real/')" -ge 7
if [ "$i" -gt 0 ]; then
    check "extra CA certificates are in the system store" \
        run_base "$base" sh -c 'ls /usr/local/share/ca-certificates/scc/*.crt && ls /etc/ssl/certs | grep -q "^extra-"'
    check "extra CAs: fingerprint label set" \
        test "$(docker image inspect "$base" --format '{{ index .Config.Labels "scc.ca-fingerprint" }}')" = "$ca_fingerprint"
fi
check "NODE_EXTRA_CA_CERTS and NPM_CONFIG_CAFILE point at the system bundle" \
    test "$(run_base "$base" sh -c 'echo $NODE_EXTRA_CA_CERTS:$NPM_CONFIG_CAFILE')" = "/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt"

# --- scc-base: git through the evaluator ------------------------------------------------------
policy="$work/safety-policy.json"
cat >"$policy" <<'EOF'
{"action": "block", "rules": {}, "network": {"allowed_destinations": []}}
EOF
chmod 0644 "$policy"
docker run -d --name "scc-check-$$" -v "$policy:/etc/scc/safety-policy.json:ro" "$base" sleep 600 >/dev/null
in_box() { docker exec "scc-check-$$" bash -c "$1"; }
in_box 'git init -q /tmp/bare.git --bare && git init -q /tmp/repo && cd /tmp/repo \
        && git config user.email check@scc.invalid && git config user.name check \
        && echo one >f && git add f && git commit -qm one && git remote add origin /tmp/bare.git' >/dev/null 2>&1 || true
check "git status works through the evaluator" in_box 'cd /tmp/repo && git status --short && git log --oneline -1'
check "git push to a local bare remote works" in_box 'cd /tmp/repo && git push -q origin HEAD:main'
before="$(in_box 'git --git-dir=/tmp/bare.git rev-parse main' 2>/dev/null || true)"
in_box 'cd /tmp/repo && git commit -q --amend -m two' >/dev/null 2>&1 || true
set +e
in_box 'cd /tmp/repo && git push --force origin HEAD:main' >"$work/force.out" 2>&1
force_rc=$?
set -e
check "git push --force is blocked with exit 2 (got $force_rc)" test "$force_rc" -eq 2
check "the blocked push left the remote unchanged" \
    test "$(in_box 'git --git-dir=/tmp/bare.git rev-parse main' 2>/dev/null)" = "$before"
if [ "$stand_in" -eq 0 ]; then
    set +e
    in_box 'cd /tmp/repo && /usr/bin/git push -f origin HEAD:main' >/dev/null 2>&1; rc1=$?
    in_box 'cd /tmp/repo && /usr/lib/git-core/git push -f origin HEAD:main' >/dev/null 2>&1; rc2=$?
    in_box 'cd /tmp/repo && bash -c "git reset --hard"' >/dev/null 2>&1; rc3=$?
    set -e
    check "/usr/bin/git push -f is blocked (exit $rc1)" test "$rc1" -eq 2
    check "/usr/lib/git-core/git push -f is blocked (exit $rc2)" test "$rc2" -eq 2
    check "bash -c 'git reset --hard' is blocked (exit $rc3)" test "$rc3" -eq 2
    check "the evaluator recorded safety.check events" in_box 'test -s /run/scc/audit/safety.jsonl'
fi
docker rm -f "scc-check-$$" >/dev/null

# --- agent images -------------------------------------------------------------------------------
if [ "$skip_agents" -eq 0 ]; then
    for provider in claude codex; do
        case "$provider" in
            claude) dir="$repo/plugins/claude/Scc.Plugins.Claude/image"; cmd="claude --version"; want='Claude Code' ;;
            codex)  dir="$repo/plugins/codex/Scc.Plugins.Codex/image";   cmd="codex --version";  want='^codex-cli ' ;;
        esac
        image="scc-agent-$provider"
        build "$image" "$dir" "BASE=$base"
        out="$(docker run --rm "$image:$tag" $cmd 2>&1 || true)"
        check "$image: '$cmd' prints a version ($out)" grep -Eq "$want" <<<"$out"
        check "$image runs as agent in /workspace" \
            test "$(docker run --rm "$image:$tag" sh -c 'echo $(id -un):$(pwd)')" = "agent:/workspace"
        check "$image: node is v22+" \
            docker run --rm "$image:$tag" node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)'
        check "$image: no npm cache left" \
            docker run --rm --user root "$image:$tag" sh -c '! ls -d /root/.npm /home/agent/.npm 2>/dev/null | grep -q .'
        check "$image: the wrapper layout is inherited" \
            test "$(docker run --rm "$image:$tag" readlink /usr/bin/git)" = "$eval_path"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
