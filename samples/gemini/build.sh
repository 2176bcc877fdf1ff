#!/usr/bin/env bash
# Packs Scc.Abstractions into the local feed, then packs this sample plugin against that package only.
# Output: artifacts/samples/Example.Scc.Gemini.0.1.0.nupkg (install with `scc plugins install <nupkg>`).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dotnet pack "$root/abstractions/Scc.Abstractions/Scc.Abstractions.csproj" -c Release -o "$root/artifacts/feed" -v q -nologo
# The sample has its own package folder; drop the ABI from it so the freshly packed one is used.
rm -rf "$root/artifacts/sample-packages/scc.abstractions"
dotnet pack "$root/samples/gemini/Scc.Samples.Gemini/Scc.Samples.Gemini.csproj" -c Release -o "$root/artifacts/samples" -v q -nologo
ls "$root"/artifacts/samples/*.nupkg
