#!/usr/bin/env bash
# Sourced by the whole-process benchmarks: publishes the CLI into artifacts/bench/scc when it is not there yet and
# sets $scc to it. Usage: root=<checkout>; . "$root/bench/publish-scc.sh"
scc="$root/artifacts/bench/scc/scc"
if [ ! -x "$scc" ]; then
    bash "$root/scripts/build-evaluator.sh" >/dev/null # the images' build context carries it (scc-base)
    rm -rf "$root"/host/Scc.Cli/obj/Release/*/linux-x64 # never another publish variant's native code (bench/startup.sh makes two)
    dotnet publish "$root/host/Scc.Cli/Scc.Cli.csproj" -c Release -r linux-x64 -o "$root/artifacts/bench/scc" -v q -nologo >/dev/null
fi
