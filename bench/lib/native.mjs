// Summarises bench/native.sh: the starts of both variants, then each operation's throughput,
// p50/p99 and service CPU per request for the JVM and the native executable side by side, the
// native/JVM ratio (range over rounds), memory and size.
import { readFileSync } from 'node:fs';

const [startsFile, ...runFiles] = process.argv.slice(2);
const starts = JSON.parse(readFileSync(startsFile, 'utf8'));
const runs = runFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const pad = (s, n) => String(s ?? '-').padStart(n);
const range = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
  if (!v.length) return '-';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
};
const r3 = (x) => Math.round(x * 1000) / 1000;

const out = [];
out.push(`Latchkey: native executable and JVM side by side (${starts.date}, ${runs.length} load run(s))`);
out.push('');
out.push('start: spawn to the first 200 of /q/health/ready');
out.push(`${'variant'.padEnd(22)} ${pad('median ms', 9)} ${pad('min', 7)} ${pad('max', 7)} ${pad('RSS at ready MiB', 17)}  options`);
for (const r of starts.rows) {
  out.push(`${r.variant.padEnd(22)} ${pad(r.median_ms, 9)} ${pad(r.min_ms, 7)} ${pad(r.max_ms, 7)} ${pad(r.rss_at_ready_median_mib, 17)}  ${r.jvm_args.join(' ')}`);
}
out.push(`target: native ready in under ${starts.target_ms} ms: ${starts.pass ? 'PASS' : 'FAIL'} (median ${starts.rows[0].median_ms} ms)`);
out.push('');

const by = { jvm: runs.filter((r) => r.service.artifact === 'jvm'), native: runs.filter((r) => r.service.artifact === 'native') };
const key = (r) => `${r.op} c=${r.concurrency}`;
const keys = [...new Set(runs.flatMap((run) => run.results.map(key)))];
out.push(`${'operation'.padEnd(14)} ${pad('JVM req/s', 12)} ${pad('native req/s', 13)} ${pad('native/JVM', 11)} ${pad('JVM p50/p99 ms', 16)} ${pad('native p50/p99', 16)} ${pad('JVM ms CPU/req', 15)} ${pad('native ms CPU/req', 18)} ${pad('errors', 6)}`);
for (const k of keys) {
  const rows = (variant) => by[variant].map((run) => run.results.find((r) => key(r) === k)).filter(Boolean);
  const j = rows('jvm');
  const n = rows('native');
  const ratios = Array.from({ length: Math.min(j.length, n.length) }, (_, i) => r3(n[i].rps / j[i].rps));
  const errors = [...j, ...n].reduce((a, r) => a + r.errors + r.warmup_errors, 0);
  out.push(`${k.padEnd(14)} ${pad(range(j.map((r) => r.rps)), 12)} ${pad(range(n.map((r) => r.rps)), 13)} ${pad(range(ratios), 11)} ` +
    `${pad(`${range(j.map((r) => r.p50_ms))}/${range(j.map((r) => r.p99_ms))}`, 16)} ${pad(`${range(n.map((r) => r.p50_ms))}/${range(n.map((r) => r.p99_ms))}`, 16)} ` +
    `${pad(range(j.map((r) => r.service_cpu_ms_per_request)), 15)} ${pad(range(n.map((r) => r.service_cpu_ms_per_request)), 18)} ${pad(errors, 6)}`);
}
out.push('');
out.push(`${'memory, size'.padEnd(14)} ${pad('RSS idle MiB', 13)} ${pad('after load', 11)} ${pad('after idle', 11)} ${pad('peak', 7)} ${pad('artifact MiB', 13)}  options`);
for (const variant of ['jvm', 'native']) {
  const s = by[variant].map((r) => r.service);
  const opts = by[variant][0] ? (variant === 'jvm' ? by[variant][0].config.javaOpts : by[variant][0].config.nativeOpts).join(' ') : '';
  out.push(`${variant.padEnd(14)} ${pad(range(s.map((x) => x.rss_idle_mib)), 13)} ${pad(range(s.map((x) => x.rss_after_load_mib)), 11)} ` +
    `${pad(range(s.map((x) => x.rss_after_idle_mib)), 11)} ${pad(range(s.map((x) => x.rss_peak_mib)), 7)} ${pad(range(s.map((x) => x.artifact_mib)), 13)}  ${opts}`);
}
const nativeAfterLoad = by.native.map((r) => r.service.rss_after_load_mib);
if (nativeAfterLoad.length) {
  const worst = Math.max(...nativeAfterLoad);
  out.push(`target: native RSS after load under 128 MiB: ${worst < 128 ? 'PASS' : 'FAIL'} (${range(nativeAfterLoad)} MiB)`);
}
const loads = runs.map((r) => `${r.service.artifact} ${r.machine.loadavg_start.join('/')}`);
out.push(`load average at each run's start: ${loads.join(', ')}`);
console.log(out.join('\n'));
