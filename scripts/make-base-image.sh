#!/usr/bin/env bash
# Build the local base image `debian:bookworm-slim` without Docker Hub (DESIGN.md §10).
#
# The root file system comes from `debootstrap --variant=minbase bookworm` against the Debian
# mirror this machine's apt already uses (read from /etc/apt/sources.list.d/*.sources and
# /etc/apt/sources.list), is trimmed like Debian's official slim images, and is `docker import`ed.
# Inside the image apt points at the same mirror (bookworm, bookworm-updates, bookworm-security),
# so `apt-get install` works in the Dockerfiles that build FROM it. Skips when the image exists.
#
# Usage: scripts/make-base-image.sh [--force]
# Environment:
#   SCC_BASE_IMAGE_TAG        image to produce (default debian:bookworm-slim)
#   SCC_DEBIAN_MIRROR         Debian mirror URI (default: from the machine's apt sources)
#   SCC_DEBIAN_SECURITY_MIRROR  security mirror URI (default: from the apt sources, or derived)
#   SCC_DEBOOTSTRAP_DIR       parent folder of the temporary root (default: $TMPDIR or /var/tmp)
set -euo pipefail

tag="${SCC_BASE_IMAGE_TAG:-debian:bookworm-slim}"
suite="bookworm"
force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "make-base-image: unknown argument '$arg'" >&2; exit 2 ;;
    esac
done

log() { printf 'make-base-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v docker >/dev/null 2>&1 || die "the docker CLI is missing; run scripts/install-docker-engine.sh first"
docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/install-docker-engine.sh first"

if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    log "$tag already exists; nothing to do (use --force to rebuild)"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run with sudo)"

# --- mirrors --------------------------------------------------------------------------------
# Prints "<kind> <uri>" lines, kind = main|security, from deb822 .sources files and one-line
# sources.list files. Comments and deb-src entries are ignored.
apt_source_uris() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk '
            function flush() {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && uri != "" && enabled != "no") {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) {
                        if (s[i] == "") continue
                        kind = (s[i] ~ /-security$|\/updates$/) ? "security" : "main"
                        print kind, uri
                    }
                }
                types = ""; uri = ""; suites = ""; enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                key = tolower($1); sub(/:$/, "", key)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                if (key == "types") types = val
                else if (key == "uris") { split(val, u, /[ \t]+/); uri = u[1] }
                else if (key == "suites") suites = val
                else if (key == "enabled") enabled = tolower(val)
            }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '
            /^[ \t]*deb[ \t]/ {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
                uri = $i; s = $(i + 1)
                kind = (s ~ /-security$|\/updates$/) ? "security" : "main"
                print kind, uri
            }
        ' "$f"
    done
}

sources="$(apt_source_uris)"
mirror="${SCC_DEBIAN_MIRROR:-$(printf '%s\n' "$sources" | awk '$1 == "main" { print $2; exit }')}"
security="${SCC_DEBIAN_SECURITY_MIRROR:-$(printf '%s\n' "$sources" | awk '$1 == "security" { print $2; exit }')}"
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list(.d); set SCC_DEBIAN_MIRROR"
mirror="${mirror%/}"
if [ -z "$security" ] && [ "${mirror%/debian}" != "$mirror" ]; then
    security="${mirror%/debian}/debian-security"
fi
security="${security%/}"
log "mirror: $mirror"
[ -n "$security" ] && log "security mirror: $security" || log "no security mirror found; bookworm-security is left out"

# --- debootstrap ----------------------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update
    apt-get install -y --no-install-recommends debootstrap
fi

keyring_args=()
if [ -r /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    keyring_args=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
else
    log "warning: /usr/share/keyrings/debian-archive-keyring.gpg is missing; install debian-archive-keyring to verify the mirror"
fi

work="$(mktemp -d "${SCC_DEBOOTSTRAP_DIR:-${TMPDIR:-/var/tmp}}/scc-rootfs.XXXXXX")"
root="$work/rootfs"
cleanup() {
    # debootstrap mounts /proc and /sys in the target; an interrupted run can leave them mounted.
    local m
    for m in proc sys dev/pts; do
        mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" 2>/dev/null || true
    done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

log "debootstrap --variant=minbase $suite (a few minutes)"
if ! debootstrap --variant=minbase "${keyring_args[@]}" "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 30 "$work/debootstrap.log" >&2 || true
    if [ -r "$root/debootstrap/debootstrap.log" ]; then tail -n 30 "$root/debootstrap/debootstrap.log" >&2; fi
    die "debootstrap failed (mirror $mirror)"
fi

# --- configure apt inside the image -----------------------------------------------------------
rm -f "$root/etc/apt/sources.list"
{
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" "$suite" "$suite"
    if [ -n "$security" ]; then
        printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$security" "$suite"
    fi
} >"$root/etc/apt/sources.list.d/debian.sources"

# A snapshot mirror serves Release files past their Valid-Until date; when this machine's apt is
# told to accept that, the image's apt must be told too or every `apt-get update` fails.
apt_conf="$root/etc/apt/apt.conf.d/90scc-mirror"
: >"$apt_conf"
for key in Acquire::Check-Valid-Until Acquire::Check-Date; do
    value="$(apt-config dump 2>/dev/null | awk -v k="$key" '$1 == k { v = $2; gsub(/[";]/, "", v); print v }' | tail -n 1)"
    if [ -n "$value" ]; then
        printf '%s "%s";\n' "$key" "$value" >>"$apt_conf"
    fi
done
[ -s "$apt_conf" ] || rm -f "$apt_conf"

# The same container-friendly settings as Debian's official images: no recommends, no caches,
# no docs/man/locales from later installs, no services started by postinst scripts.
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$root/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
Acquire::Languages "none";
EOF
cat >"$root/etc/apt/apt.conf.d/docker-gzip-indexes" <<'EOF'
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
EOF
cat >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'EOF'
Apt::AutoRemove::SuggestsImportant "false";
EOF
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
cat >"$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Containers have no service manager: package scripts must not try to start services.
exit 101
EOF
chmod 0755 "$root/usr/sbin/policy-rc.d"

# --- trim -------------------------------------------------------------------------------------
for m in proc sys dev/pts; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
done
rm -rf "$root/var/lib/apt/lists/"* \
       "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb "$root/var/cache/apt/archives/partial/"* \
       "$root/usr/share/man/"* "$root/usr/share/info/"* "$root/usr/share/lintian/"* "$root/usr/share/linda/"* \
       "$root/var/cache/man/"* "$root/var/cache/debconf/"*-old "$root/var/lib/dpkg/"*-old \
       "$root/tmp/"* "$root/var/tmp/"* "$root/debootstrap"
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
find "$root/var/log" -type f -delete 2>/dev/null || true
# Devices come from the engine at run time; the host's resolver and name must not leak in.
rm -rf "$root/dev/"*
: >"$root/etc/resolv.conf"
printf 'localhost\n' >"$root/etc/hostname"
rm -f "$root/etc/machine-id" && : >"$root/etc/machine-id"

# --- import -----------------------------------------------------------------------------------
log "importing as $tag"
tar --numeric-owner --xattrs -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $suite (scc scripts/make-base-image.sh)" \
    - "$tag" >/dev/null

docker image inspect "$tag" --format "make-base-image: $tag {{.Id}} {{.Size}} bytes" >&2
