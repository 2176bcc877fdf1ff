#!/bin/sh
# Starts Squid in the foreground with the config compiled by scc (docs/egress.md).
#
# Environment:
#   SCC_EGRESS_CONFIG   compiled squid.conf (default /etc/scc-egress/squid.conf, mounted read-only)
#   SCC_EGRESS_STATE    writable folder for the generated bump certificate (default /var/lib/scc-egress)
# Arguments: none starts the proxy; `parse` only checks the config (`squid -k parse`) and exits with
# its status; anything else is executed as a command (for debugging).
set -eu

config="${SCC_EGRESS_CONFIG:-/etc/scc-egress/squid.conf}"
state="${SCC_EGRESS_STATE:-/var/lib/scc-egress}"
cert="$state/bump.pem"
key="$state/bump.key"

log() { printf 'scc-egress: %s\n' "$*" >&2; }

if [ "$#" -gt 0 ] && [ "$1" != "parse" ]; then
    exec "$@"
fi

if [ ! -r "$config" ]; then
    log "error: no proxy config at $config; mount the config compiled by scc there (read-only)"
    exit 78
fi

# The http_port needs a certificate to be allowed to peek at TLS. Allowed traffic is spliced, never
# decrypted; Squid uses the certificate only to deliver its own error page on a denied CONNECT. So a
# throw-away self-signed one per container start is enough, and no key exists in the image or repository.
if [ ! -s "$cert" ] || [ ! -s "$key" ]; then
    ( umask 077
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=scc-egress-proxy" \
          -keyout "$key" -out "$cert" >/dev/null 2>&1 ) || { log "error: could not generate the bump certificate in $state"; exit 70; }
fi

if [ "${1:-}" = "parse" ]; then
    exec squid -k parse -f "$config"
fi

# The host reads the log as whatever user runs scc, so the file is world-readable (Squid would create it 0640).
umask 022
mkdir -p /var/log/squid
touch /var/log/squid/access.log
chmod 0644 /var/log/squid/access.log 2>/dev/null || true
# The host reads the access log file after the session; the same lines go to stdout for `docker logs`.
# Squid itself cannot reliably open /dev/stdout as a non-root user, so a follower copies them.
tail -n +1 -F /var/log/squid/access.log 2>/dev/null &

# -N: no daemon (foreground, PID-1 friendly), -d 1: startup messages on stderr.
exec squid -N -d 1 -f "$config"
