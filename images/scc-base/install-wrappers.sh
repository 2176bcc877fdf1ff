#!/bin/sh
# Puts the safety evaluator in front of every guarded tool (DESIGN.md §5, wrapper contract):
#
#   /usr/libexec/scc/scc-safety-eval     the evaluator (root-owned, 0755)
#   /usr/libexec/scc/real/<tool>         the real binary of each guarded tool that is installed
#   /usr/bin/<tool>, /usr/lib/git-core/git  symlinks to the evaluator, which evaluates the exact
#                                        argv and execs /usr/libexec/scc/real/<tool> on allow
#   /etc/scc/                            root-owned 0755 (the runtime writes the policy here)
#   /run/scc/audit/                      owned by the agent (the evaluator appends safety.jsonl)
#
# Package-owned binaries are moved with dpkg-divert, so a later `apt-get upgrade` of git, curl, …
# installs the new real binary behind the evaluator instead of over the symlink.
set -eu

stage="${SCC_STAGE_DIR:-/tmp/scc-build}"
agent_uid="${SCC_AGENT_UID:-1000}"
agent_gid="${SCC_AGENT_GID:-1000}"
libexec=/usr/libexec/scc
real="$libexec/real"
evaluator="$libexec/scc-safety-eval"
guarded="git curl wget ssh scp sftp rsync nc ncat socat telnet"

die() { echo "install-wrappers: $*" >&2; exit 1; }

[ -s "$stage/scc-safety-eval" ] || die "$stage/scc-safety-eval is missing from the build context"
install -d -o root -g root -m 0755 "$libexec" "$real"
install -o root -g root -m 0755 "$stage/scc-safety-eval" "$evaluator"
# The CLI form (`scc-safety-eval check …`) on PATH, for people and for the runtime's checks.
ln -sfn "$evaluator" /usr/local/bin/scc-safety-eval

# The spelling under which dpkg owns a path: bookworm's merged /usr keeps some packages' files
# recorded under /bin or /sbin.
dpkg_owned_path() {
    for candidate in "$1" "$(printf '%s' "$1" | sed -n 's#^/usr/\(s\{0,1\}bin/\)#/\1#p')"; do
        [ -n "$candidate" ] || continue
        if dpkg-query -S "$candidate" >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# Moves the file at $1 to $2, through dpkg-divert when a package owns it.
move_aside() {
    if owned="$(dpkg_owned_path "$1")"; then
        dpkg-divert --quiet --local --rename --divert "$2" --add "$owned"
    else
        mv "$1" "$2"
    fi
    [ -x "$2" ] || die "moving $1 to $2 failed"
}

wrapped=""
for tool in $guarded; do
    canonical="/usr/bin/$tool"
    [ -e "$canonical" ] || continue
    # A tool reached through links (nc -> /etc/alternatives/nc -> nc.openbsd) is wrapped at its
    # name; its implementation moves behind the evaluator so no other name reaches it unguarded.
    target="$(readlink -f "$canonical")"
    move_aside "$target" "$real/$tool"
    rm -f "$canonical"
    ln -s "$evaluator" "$canonical"
    wrapped="$wrapped $tool"
done

if [ -x "$real/git" ]; then
    # Debian ships /usr/lib/git-core/git as a second copy of /usr/bin/git. git puts its exec
    # path first on PATH for the programs it starts, so this copy is what hooks, aliases and
    # git's own `git <subcommand>` children run: it must be guarded too.
    core=/usr/lib/git-core/git
    if [ -e "$core" ] && [ ! -L "$core" ]; then
        move_aside "$core" "$real/git-core-git"
        if cmp -s "$real/git" "$real/git-core-git"; then
            ln -f "$real/git" "$real/git-core-git"
        fi
    fi
    rm -f "$core"
    ln -s "$evaluator" "$core"

    # Dashed built-ins (git-push -> git, …) would reach the evaluator under names it does not
    # guard, or, pointed at the real binary, bypass it. Keep only the three that transports run
    # by their dashed name on the receiving side (as upstream's SKIP_DASHED_BUILT_INS does), and
    # point those at the real binary: they serve a push or fetch, they do not start one.
    for dashed in /usr/lib/git-core/git-* /usr/bin/git-*; do
        [ -L "$dashed" ] || continue
        case "$(readlink "$dashed")" in
            git|./git|"$evaluator") ;;
            *) continue ;;
        esac
        case "$(basename "$dashed")" in
            git-upload-pack|git-receive-pack|git-upload-archive) ln -sfn "$real/git" "$dashed" ;;
            *) rm -f "$dashed" ;;
        esac
    done

    # The real binary must still find its helpers (remote-https, sh-setup, mergetools, …).
    exec_path="$("$real/git" --exec-path)"
    [ "$exec_path" = /usr/lib/git-core ] || die "unexpected git exec path '$exec_path'"
    [ -x /usr/lib/git-core/git-remote-http ] || die "git-remote-http is missing"
fi

install -d -o root -g root -m 0755 /etc/scc /run/scc
install -d -o "$agent_uid" -g "$agent_gid" -m 0755 /run/scc/audit

# Verify the layout the safety team's evaluator relies on.
for tool in $wrapped; do
    [ "$(readlink "/usr/bin/$tool")" = "$evaluator" ] || die "/usr/bin/$tool is not a link to the evaluator"
    [ -x "$real/$tool" ] && [ ! -L "$real/$tool" ] || die "$real/$tool is not an executable file"
done
echo "scc: evaluator in front of:$wrapped"
