#!/usr/bin/env bash
# Issue 6 throughput target (>= 0.8) measured the way an agent downloads: Node.js (the runtime of Claude Code, Codex
# and npm) inside the agent image, on a Docker network with a local server and the egress proxy running the config
# scc compiles. 100 MB over plain HTTP (Squid relays the body) and over HTTPS (CONNECT, spliced after the SNI peek),
# direct and through the proxy, alternating, timed inside Node (no container start in the figures). Prints the
# medians and the throughput ratios (direct time / proxied time).
#
# Usage: bench/egress-node.sh [ROUNDS]   (default 10). Needs the engine, scc-agent-claude (scripts/scc images build)
# and the base image; the proxy image is built from images/scc-egress-proxy as scc-egress-proxy:bench (cached).
# Everything it starts is labelled io.scc.bench=<run> and removed at the end. Traffic stays on that network.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-10}"
run="node-$$"
label="io.scc.bench=$run"
net="scc-bench-$run"
tmp=$(mktemp -d)
cleanup() {
    docker ps -aq --filter "label=$label" | xargs -r docker rm -f >/dev/null
    docker network rm "$net" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

docker info >/dev/null 2>&1 || { echo "egress-node: no Docker engine answers (scripts/install-docker-engine.sh starts one)" >&2; exit 1; }
docker image inspect scc-agent-claude >/dev/null 2>&1 || { echo "egress-node: build the images first: scripts/scc images build" >&2; exit 1; }
docker build -q -t scc-egress-proxy:bench "$root/images/scc-egress-proxy" >/dev/null 2>"$tmp/build.log" || { cat "$tmp/build.log" >&2; exit 1; }
. "$root/bench/publish-scc.sh"

docker network create --label "$label" "$net" >/dev/null
subnet=$(docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "$net")
# The servers live in a private range: an org config opens exactly this network's subnet, as a site would for an
# internal registry; scc compiles the proxy config from it.
printf '{"schema_version":"1.0.0","organization":{"name":"bench","id":"bench"},"defaults":{"network_policy":"web-egress-enforced","egress":{"destinations":["server","tls"],"private_networks":["%s"]}}}' "$subnet" > "$tmp/org.json"
mkdir -p "$tmp/ws"
XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" \
    "$scc" --org-config "$tmp/org.json" egress show "$tmp/ws" --provider claude --raw > "$tmp/show.txt"
sed -n '/^# squid.conf compiled/,$p' "$tmp/show.txt" > "$tmp/squid.conf"
chmod 0644 "$tmp/squid.conf"; chmod 0755 "$tmp"
grep -q '^http_port' "$tmp/squid.conf" || { echo "egress-node: no proxy config in 'scc egress show --raw':" >&2; cat "$tmp/show.txt" >&2; exit 1; }

server='use IO::Socket::INET; my ($n) = @ARGV; my $chunk = "x" x 1048576;
my $s = IO::Socket::INET->new(LocalPort => 80, Listen => 16, ReuseAddr => 1) or die "listen: $!";
while (my $c = $s->accept) { while (my $l = <$c>) { last if $l =~ /^\r?$/ }
  print $c "HTTP/1.0 200 OK\r\nContent-Length: " . ($n * 1048576) . "\r\nConnection: close\r\n\r\n"; print $c $chunk for 1 .. $n; close $c }'
docker run -d --label "$label" --network "$net" --network-alias server --user 0 scc-egress-proxy:bench perl -e "$server" 100 >/dev/null
docker run -d --label "$label" --network "$net" --network-alias tls --user 0 --entrypoint sh scc-egress-proxy:bench -c \
    'cd /tmp && head -c 104857600 /dev/zero > data && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=tls -keyout k -out c 2>/dev/null && exec openssl s_server -quiet -accept 443 -cert c -key k -WWW' >/dev/null
proxy=$(docker run -d --label "$label" --network "$net" --network-alias proxy -v "$tmp/squid.conf:/etc/scc-egress/squid.conf:ro" scc-egress-proxy:bench)
for _ in $(seq 120); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$proxy")" = healthy ] && break
    sleep 0.5
done

cat > "$tmp/download.js" <<'EOF'
const http = require('http'), net = require('net'), tls = require('tls');
const size = 100 * 1048576, rounds = Number(process.argv[2]);
const timed = start => new Promise((resolve, reject) => {
  const t0 = process.hrtime.bigint();
  start((stream, request) => {
    let n = 0;
    stream.on('data', c => { n += c.length; });
    stream.on('end', () => n >= size ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`short download: ${n} bytes`)));
    stream.on('error', reject);
    if (request) stream.write(request);
  }, reject);
});
const plain = (host, port, path) => timed((done, fail) => http.get({ host, port, path, headers: { Host: 'server' } }, r => done(r)).on('error', fail));
const secure = viaProxy => timed((done, fail) => {
  const onSocket = socket => { const s = tls.connect({ socket, servername: 'tls', rejectUnauthorized: false }, () => done(s, 'GET /data HTTP/1.0\r\n\r\n')); s.on('error', fail); };
  if (!viaProxy) { const s = net.connect(443, 'tls', () => onSocket(s)); s.on('error', fail); return; }
  http.request({ host: 'proxy', port: 3128, method: 'CONNECT', path: 'tls:443' })
    .on('connect', (r, s) => r.statusCode === 200 ? onSocket(s) : fail(new Error(`CONNECT answered ${r.statusCode}`)))
    .on('error', fail).end();
});
const median = a => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
(async () => {
  const t = { httpDirect: [], httpProxied: [], httpsDirect: [], httpsProxied: [] };
  for (let i = 0; i < rounds + 1; i++) {
    const r = [await plain('server', 80, '/'), await plain('proxy', 3128, 'http://server/'), await secure(false), await secure(true)];
    if (i === 0) continue; // warm-up round
    [t.httpDirect, t.httpProxied, t.httpsDirect, t.httpsProxied].forEach((a, k) => a.push(r[k]));
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  console.log(`plain HTTP, 100 MB, median of ${rounds}: direct ${m.httpDirect.toFixed(1)} ms, through the proxy ${m.httpProxied.toFixed(1)} ms: throughput ratio ${(m.httpDirect / m.httpProxied).toFixed(2)} (target >= 0.8)`);
  console.log(`HTTPS,      100 MB, median of ${rounds}: direct ${m.httpsDirect.toFixed(1)} ms, through the proxy ${m.httpsProxied.toFixed(1)} ms: throughput ratio ${(m.httpsDirect / m.httpsProxied).toFixed(2)} (target >= 0.8)`);
})().catch(e => { console.error(e.message); process.exit(1); });
EOF
chmod 0644 "$tmp/download.js"
docker run --rm --label "$label" --network "$net" -v "$tmp/download.js:/tmp/download.js:ro" --entrypoint node scc-agent-claude /tmp/download.js "$rounds"
