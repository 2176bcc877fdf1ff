#!/usr/bin/env bash
# Builds scc-safety-eval with Native AOT (no .NET runtime needed where it runs).
#
#   scripts/build-evaluator.sh          -> artifacts/evaluator/linux-x64/scc-safety-eval  (image copy)
#   scripts/build-evaluator.sh --test   -> artifacts/evaluator-test/linux-x64/scc-safety-eval
#
# The image copy has the fixed in-container paths compiled in:
#   real tools  /usr/libexec/scc/real/<tool>     (-p:SccRealBinDir=...)
#   policy      /etc/scc/safety-policy.json      (-p:SccPolicyPath=...)
#   audit dir   /run/scc/audit                   (-p:SccAuditDir=...)
# The test copy points them under /tmp/scc-safety-evaltest so tests can exercise the argv[0] mode;
# neither copy reads these paths from the environment.
#
# Needs clang and zlib1g-dev (Debian); installed with apt-get when missing.
# Set SCC_EVALUATOR_RID to build for another runtime id (default linux-x64).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rid="${SCC_EVALUATOR_RID:-linux-x64}"
mode="${1:-image}"

need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
if ((${#need[@]})); then
  echo "build-evaluator: installing ${need[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
fi

props=()
case "$mode" in
  image|--image)
    out="$here/artifacts/evaluator/$rid"
    ;;
  --test)
    out="$here/artifacts/evaluator-test/$rid"
    t=/tmp/scc-safety-evaltest
    props=(-p:SccRealBinDir=$t/real -p:SccPolicyPath=$t/policy.json -p:SccAuditDir=$t/audit)
    ;;
  *)
    echo "usage: $0 [--test]" >&2
    exit 2
    ;;
esac

dotnet publish "$here/safety/Scc.Safety.Evaluator/Scc.Safety.Evaluator.csproj" \
  -c Release -r "$rid" -o "$out" -p:PublishAot=true -p:DebugType=none -p:DebugSymbols=false \
  "${props[@]}" -nologo -clp:NoSummary -v:quiet
rm -f "$out"/*.dbg "$out"/*.pdb
echo "$out/scc-safety-eval"
