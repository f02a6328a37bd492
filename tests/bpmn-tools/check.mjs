// Checks BPMN files with the tools bpmn.io and Camunda Modeler are built on, for casebook's
// tests (tests/testsuite/bpmn_export.rs) and benchmark (benches/bpmnlint.sh).
//
//   node check.mjs FILE...            one JSON line per file: what bpmn-moddle warned about
//                                     while parsing, and what bpmnlint's `recommended` rules
//                                     reported (rule, id, message, category)
//   node check.mjs --time RUNS FILE...  parse and lint every file RUNS times; print the median
//                                     wall and CPU milliseconds per file (parse + lint) as JSON
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

// A linter per model: bpmnlint's rules keep state between the elements they visit (ids seen,
// for duplicates), so one linter over several models reports flows of one as duplicates of
// another's.
const linter = () =>
  new Linter({
    config: { extends: 'bpmnlint:recommended' },
    resolver: new NodeResolver({ require }),
  });
const moddle = new BpmnModdle();

async function check(file) {
  const xml = readFileSync(file, 'utf8');
  const { rootElement, warnings } = await moddle.fromXML(xml);
  const results = await linter().lint(rootElement);
  const reports = [];
  for (const [rule, list] of Object.entries(results)) {
    for (const r of list) {
      reports.push({ rule, id: r.id, message: r.message, category: r.category });
    }
  }
  return {
    file,
    warnings: warnings.map((w) => w.message),
    reports,
  };
}

const args = process.argv.slice(2);
if (args[0] === '--time') {
  const runs = Number(args[1]);
  const files = args.slice(2);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const wall = [];
  const cpu = [];
  for (let run = 0; run < runs; run++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (const xml of texts) {
      const { rootElement } = await moddle.fromXML(xml);
      await linter().lint(rootElement);
    }
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / files.length);
    cpu.push((c.user + c.system) / 1e3 / files.length);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    JSON.stringify({
      files: files.length,
      runs,
      median_wall_ms_per_file: median(wall),
      median_cpu_ms_per_file: median(cpu),
      wall_ms_per_file: wall,
      cpu_ms_per_file: cpu,
    }),
  );
} else {
  for (const file of args) {
    try {
      console.log(JSON.stringify(await check(file)));
    } catch (e) {
      console.log(JSON.stringify({ file, error: String(e && e.message || e) }));
    }
  }
}
