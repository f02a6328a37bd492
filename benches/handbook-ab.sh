#!/bin/bash
# A/B timing of `casebook build` for two builds on one catalogue (benches/README.md, "The
# handbook at scale"). $BENCH_DIR/before and $BENCH_DIR/after each hold the release `casebook`
# of one commit. Before and after run alternately, N rounds, each into a fresh output folder;
# each run prints one line: label, wall seconds, user seconds, system seconds, peak RSS in KB
# (GNU time; `/usr/bin/time -v` calls the last "Maximum resident set size").
CAT=${CAT:-/tmp/cat10k}
N=${N:-3}
cd "${BENCH_DIR:-/tmp/scale-bench}" || exit 1
for i in $(seq "$N"); do
  echo "# run $i load $(cut -d' ' -f1 /proc/loadavg)"
  for v in before after; do
    rm -rf "out-$v" ".out-$v".*
    /usr/bin/time -f "$v %e %U %S %M" "$v/casebook" build --catalogue "$CAT" --out "out-$v" \
      --today 2026-11-22 2>&1 >/dev/null | tail -1
  done
done
