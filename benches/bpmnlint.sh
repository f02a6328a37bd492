#!/usr/bin/env bash
# The bpmnlint ratio of issue 13 (goal 2), measured with casebook's own BPMN export: N generated
# use cases exported by `casebook export bpmn --all`, then, alternated for ROUNDS rounds,
#   - bpmnlint (recommended rules) in one node process over the N models: bpmn-moddle's parse
#     and the lint of each model, timed inside node (tests/bpmn-tools/check.mjs --time), so
#     node's start-up and module loading are left out: ms per model;
#   - the bpmnlint command line over the N models and over one (whole processes, perf stat);
#   - `casebook check` of the N-use-case catalogue and of a one-use-case catalogue (perf stat).
# Prints one line per measurement; benches/README.md ("The bpmnlint ratio with casebook's
# export") has the numbers and how they were read.
#
# Usage: benches/bpmnlint.sh [N] [ROUNDS]   (from the repository root, after
#   `cargo build --release --examples` and `npm ci` in tests/bpmn-tools)
set -euo pipefail
n=${1:-200}
rounds=${2:-7}
bin=${CASEBOOK:-target/release/casebook}
exporter=${EXPORTER:-$bin}   # any build of casebook with `export`: the files are the same
gen=${GEN:-target/release/examples/gen-catalogue}
tools=$PWD/tests/bpmn-tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" --use-cases "$n" --out "$work/cat$n" >/dev/null 2>&1
"$gen" --use-cases 1 --out "$work/cat1" >/dev/null 2>&1
"$exporter" --catalogue "$work/cat$n" export bpmn --all --out "$work/bpmn$n" >/dev/null
"$exporter" --catalogue "$work/cat1" export bpmn --all --out "$work/bpmn1" >/dev/null
echo '{"extends": "bpmnlint:recommended"}' > "$work/.bpmnlintrc"
echo "models: $(ls "$work/bpmn$n" | wc -l), $(cat "$work/bpmn$n"/*.bpmn | wc -c) bytes of BPMN; YAML: $(find "$work/cat$n/use-cases" -name "*.yaml" -exec cat {} + | wc -c) bytes"
cpu() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {printf "%.1f", $1}'; }
wall() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
for round in $(seq "$rounds"); do
    inproc=$(node "$tools/check.mjs" --time 5 "$work/bpmn$n"/*.bpmn | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f ms wall, %.2f ms CPU" % (d["median_wall_ms_per_file"], d["median_cpu_ms_per_file"]))')
    lint_n_cpu=$(cd "$work" && cpu "$tools/node_modules/.bin/bpmnlint" "$work/bpmn$n"/*.bpmn || true)
    lint_n_wall=$(cd "$work" && wall "$tools/node_modules/.bin/bpmnlint" "$work/bpmn$n"/*.bpmn)
    lint_1_cpu=$(cd "$work" && cpu "$tools/node_modules/.bin/bpmnlint" "$work/bpmn1"/*.bpmn || true)
    check_n_cpu=$(cpu "$bin" check --catalogue "$work/cat$n" --format json --output /dev/null --today 2026-11-30 --fail-on never)
    check_n_wall=$(wall "$bin" check --catalogue "$work/cat$n" --format json --output /dev/null --today 2026-11-30 --fail-on never)
    check_1_cpu=$(cpu "$bin" check --catalogue "$work/cat1" --format json --output /dev/null --today 2026-11-30 --fail-on never)
    echo "round $round: bpmnlint in node (median of 5 passes) ${inproc} per model; bpmnlint CLI $n models ${lint_n_cpu} ms CPU ${lint_n_wall} ms wall, 1 model ${lint_1_cpu} ms CPU; casebook check $n use cases ${check_n_cpu} ms CPU ${check_n_wall} ms wall, 1 use case ${check_1_cpu} ms CPU"
done
