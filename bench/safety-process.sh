#!/usr/bin/env bash
# Whole-process cost of the evaluator: medians over N runs (default 200) of
#   scc-safety-eval check --argv git status   (with a policy file)
#   /bin/true                                  (the process floor)
#   git --version
# Run: bench/safety-process.sh [path/to/scc-safety-eval] [runs]
# The evaluator defaults to artifacts/evaluator/linux-x64/scc-safety-eval (scripts/build-evaluator.sh).
# Timing uses bash's $EPOCHREALTIME (no fork for the clock); hyperfine, when installed, is run as a cross-check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval_bin="${1:-$here/artifacts/evaluator/linux-x64/scc-safety-eval}"
runs="${2:-200}"
policy="$here/tests/Scc.Safety.Tests/Corpus/policy.json"
[[ -x "$eval_bin" ]] || { echo "no evaluator at $eval_bin: run scripts/build-evaluator.sh" >&2; exit 1; }

median_us() {
  local -a samples=()
  local i t0 t1
  for ((i = 0; i < 10; i++)); do "$@" >/dev/null 2>&1 || true; done   # warm the page cache
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    samples+=($(( (${t1/./} - ${t0/./}) )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'
}

floor=$(median_us /bin/true)
evalt=$(median_us "$eval_bin" check --policy "$policy" --argv git status)
gitv=$(median_us git --version)
printf 'runs per command: %d (median wall time, microseconds)\n' "$runs"
printf '  %-52s %6d us\n' "/bin/true (process floor)" "$floor"
printf '  %-52s %6d us\n' "scc-safety-eval check --argv git status" "$evalt"
printf '  %-52s %6d us\n' "git --version" "$gitv"
printf 'evaluator above floor: %d us (%.2f ms); evaluator / floor: %.1fx; evaluator / git --version: %.2fx\n' \
  $((evalt - floor)) "$(awk "BEGIN{print ($evalt-$floor)/1000}")" "$(awk "BEGIN{print $evalt/$floor}")" "$(awk "BEGIN{print $evalt/$gitv}")"

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 10 --runs "$runs" /bin/true "$eval_bin check --policy $policy --argv git status" "git --version"
fi

# CPU time per run (task-clock) is far less sensitive to machine load than wall time.
if command -v perf >/dev/null 2>&1; then
  echo "CPU time per run (perf stat task-clock, $runs runs):"
  for c in "/bin/true" "$eval_bin check --policy $policy --argv git status" "git --version"; do
    ms=$(perf stat -x, -e task-clock -r "$runs" $c 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}')
    printf '  %-52s %6.2f ms\n' "${c/#$here\//}" "$ms"
  done
fi
