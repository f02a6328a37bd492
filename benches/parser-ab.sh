#!/bin/bash
# A/B timing of two builds on one catalogue (benches/README.md, "The loader's fast path").
# $BENCH_DIR/before and $BENCH_DIR/after each hold the release `casebook` and
# `examples/parse-catalogue` of one commit. Old and new run alternately, N rounds; each run
# prints one line: label, wall seconds, user seconds, system seconds (GNU time).
CAT=${CAT:-/tmp/cat10k}
N=${N:-5}
cd "${BENCH_DIR:-/tmp/parser-bench}" || exit 1
for i in $(seq "$N"); do
  echo "# run $i load $(cut -d' ' -f1 /proc/loadavg)"
  for v in before after; do
    /usr/bin/time -f "$v-node %e %U %S" "$v/parse-catalogue" "$CAT" --parser node 2>&1 >/dev/null | tail -1
    /usr/bin/time -f "$v-raw %e %U %S" "$v/parse-catalogue" "$CAT" --parser raw 2>&1 >/dev/null | tail -1
    /usr/bin/time -f "$v-check %e %U %S" "$v/casebook" check --catalogue "$CAT" --format json \
      --output /dev/null --fail-on never --today 2026-11-22 2>&1 >/dev/null | tail -1
  done
done
