// Summarises bench/compare.sh's runs: every run's throughput, p99 and service CPU per request,
// then the new/old ratio of each, as the range over the rounds (old and new runs alternate).
import { readFileSync } from 'node:fs';

const runs = process.argv.slice(2).map((file) => ({ file, report: JSON.parse(readFileSync(file, 'utf8')) }));
const variant = (file) => (file.endsWith('-base.json') ? 'base' : 'new');
const key = (r) => `${r.op} c=${r.concurrency}`;
const rows = new Map();
for (const { file, report } of runs) {
  for (const r of report.results) {
    if (!rows.has(key(r))) rows.set(key(r), { base: [], new: [] });
    rows.get(key(r))[variant(file)].push({ rps: r.rps, p99: r.p99_ms, cpu: r.service_cpu_ms_per_request, errors: r.errors + r.warmup_errors });
  }
}
const pad = (s, n) => String(s).padStart(n);
console.log(`${'operation'.padEnd(16)} ${pad('variant', 7)} ${pad('req/s', 18)} ${pad('p99 ms', 14)} ${pad('svc ms/req', 14)} ${pad('errors', 6)}`);
const range = (xs) => (xs.length ? `${Math.min(...xs)}-${Math.max(...xs)}` : '-');
for (const [name, v] of rows) {
  for (const which of ['base', 'new']) {
    const xs = v[which];
    console.log(`${name.padEnd(16)} ${pad(which, 7)} ${pad(range(xs.map((x) => x.rps)), 18)} ${pad(range(xs.map((x) => x.p99)), 14)} ${pad(range(xs.map((x) => x.cpu)), 14)} ${pad(xs.reduce((a, x) => a + x.errors, 0), 6)}`);
  }
  // ratios round by round (the runs of one round ran back to back)
  const n = Math.min(v.base.length, v.new.length);
  const ratio = (f) => Array.from({ length: n }, (_, i) => Math.round((f(v.new[i]) / f(v.base[i])) * 1000) / 1000);
  console.log(`${name.padEnd(16)} ${pad('new/old', 7)} ${pad(range(ratio((x) => x.rps)), 18)} ${pad(range(ratio((x) => x.p99)), 14)} ${pad(range(ratio((x) => x.cpu)), 14)}`);
}
