#!/usr/bin/env bash
# The test command: prepares the machine (scripts/prepare.sh), runs every test project of Scc.sln, and prints
# one closing line `N passed, N failed, N skipped` summed over all test assemblies. Exit code 0 only when
# nothing failed and at least one test ran.
# Tests that need Docker skip with a reason unless SCC_REQUIRE_DOCKER=1 (CI sets it), which turns the skip
# into a failure.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${SCC_SKIP_PREPARE:-0}" != "1" ]; then
    bash scripts/prepare.sh || { echo "prepare failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet build Scc.sln -c Debug -v q -nologo || { echo "build failed" >&2; echo "0 passed, 1 failed"; exit 1; }
dotnet test Scc.sln --no-build -c Debug --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
    --blame-hang-timeout 15m 2>&1 | tee "$results/console.log" \
    | grep -E --line-buffered '^\s*(Passed|Failed|Skipped)!|\[FAIL\]|\[SKIP\]|^\s+Failed |error' || true
status=${PIPESTATUS[0]}

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    files=$((files + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
    p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed); err=$(get error)
    passed=$((passed + p)); failed=$((failed + f + err)); skipped=$((skipped + t - e))
done

# A test assembly that crashed or hung writes no TRX: count it as a failure instead of hiding it.
projects=$(dotnet sln Scc.sln list | grep -c '^tests/.*\.Tests\.csproj$')
if [ "$files" -lt "$projects" ]; then
    echo "only $files of $projects test assemblies reported results" >&2
    failed=$((failed + projects - files))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# CI keeps only part of the output: repeat each failure's message (the first lines of it) just above the count.
if [ "$failed" -gt 0 ]; then
    echo "== failures (full text: $results/console.log)"
    awk '/^  Failed [A-Za-z]/ { n = 25; print; next }
         /^  (Passed|Skipped) / { n = 0 }
         n > 0 { n--; print substr($0, 1, 300) }' "$results/console.log" | head -150
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
