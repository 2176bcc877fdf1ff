#!/bin/sh
# Installs the extra CA certificates of the build context's certs/ folder (PEM files named
# *.crt or *.pem, each holding one certificate or a bundle) into the system store.
#
#   install-ca-certs.sh pre      before ca-certificates is installed: make apt trust them
#                                (an https mirror behind a TLS-inspecting proxy)
#   install-ca-certs.sh install  split, validate, copy to /usr/local/share/ca-certificates/scc/,
#                                run update-ca-certificates
#
# An empty folder is the normal case and does nothing.
set -eu

src="${SCC_CERTS_DIR:-/tmp/scc-build/certs}"
dest=/usr/local/share/ca-certificates/scc
bundle=/etc/ssl/certs/ca-certificates.crt
mode="${1:-install}"

files="$(find "$src" -maxdepth 1 -type f \( -name '*.crt' -o -name '*.pem' \) 2>/dev/null | sort)"
if [ -z "$files" ]; then
    echo "scc: no extra CA certificates"
    exit 0
fi
# One file name per line: names with spaces stay whole.
IFS='
'

case "$mode" in
pre)
    # apt reads this bundle for https sources; update-ca-certificates regenerates it later, so
    # appending (to a base image's bundle, or to nothing) leaves no trace.
    mkdir -p "$(dirname "$bundle")"
    for f in $files; do tr -d '\r' <"$f"; echo; done >>"$bundle"
    echo "scc: extra CA certificates staged for apt"
    exit 0
    ;;
install) ;;
*) echo "install-ca-certs.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac

mkdir -p "$dest"
for f in $files; do
    name="$(basename "$f")"
    name="$(printf '%s' "${name%.*}" | tr -c 'A-Za-z0-9._-' '_')"
    # update-ca-certificates hashes only the first certificate of a file, so bundles are split
    # into one file per certificate.
    tr -d '\r' <"$f" | awk -v prefix="$dest/$name" '
        /-----BEGIN CERTIFICATE-----/ { n++; out = sprintf("%s-%03d.crt", prefix, n); inside = 1 }
        inside { print > out }
        /-----END CERTIFICATE-----/ { if (inside) close(out); inside = 0 }
        END { if (n == 0) exit 1 }
    ' || { echo "scc: $f holds no PEM certificate (DER files must be converted to PEM)" >&2; exit 1; }
done

count=0
for c in "$dest"/*.crt; do
    if ! openssl x509 -noout -in "$c" 2>/dev/null; then
        echo "scc: $c is not a valid certificate" >&2
        exit 1
    fi
    count=$((count + 1))
done
chmod 0644 "$dest"/*.crt
update-ca-certificates >/dev/null
echo "scc: installed $count extra CA certificate(s) into the system store"
