// Puts bench/keycloak.sh's runs together: for every operation and concurrency, each server's
// throughput, p50 and p99 as ranges over the rounds, the Latchkey/Keycloak ratio of each round
// (the two runs of a round ran back to back), the target of issue 19 and whether every round met
// it, and the other processes' CPU during the measured runs; then RSS after load and start to
// ready. Writes everything (the runs included) to the results file named first, and a copy named
// after the date beside it.
//
//   node bench/lib/keycloak-table.mjs RESULTS.json run.json...

import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

import { cpuModel } from './sys.mjs';

const [resultsFile, ...files] = process.argv.slice(2);
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const of = (target) => runs.filter((r) => r.target === target).sort((a, b) => a.round - b.round);
const L = of('latchkey');
const K = of('keycloak');
if (!L.length || !K.length) {
  console.error('keycloak-table.mjs: runs of both servers are needed');
  process.exit(2);
}

// issue 19's targets: Latchkey/Keycloak throughput at least this, RSS at most this
const TARGETS = { login: { min: 1.25 }, refresh: { min: 2.5 }, me: { min: 2.5 }, rss: { max: 0.5 } };
const NOISY = 0.3;

const r2 = (x) => Math.round(x * 100) / 100;
const fmt = (x) => (x >= 100 ? String(Math.round(x)) : String(r2(x)));
const range = (xs) => {
  const v = xs.filter((x) => x !== null && x !== undefined);
  if (!v.length) {
    return '-';
  }
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`;
};
/** Latchkey/Keycloak per round (round i of one against round i of the other). */
const ratios = (fl, fk) => Array.from({ length: Math.min(L.length, K.length) }, (_, i) => r2(fl(L[i]) / fk(K[i])));
function verdict(rs, t) {
  if (!t) {
    return { target: '-', met: '-' };
  }
  const ok = rs.filter((x) => (t.min !== undefined ? x >= t.min : x <= t.max)).length;
  const target = t.min !== undefined ? `>= ${t.min}x` : `<= ${t.max}x`;
  return { target, met: ok === rs.length ? 'yes' : ok === 0 ? 'NO' : `mixed (${ok} of ${rs.length} rounds)` };
}

const rows = [];
// the targets are for the highest concurrency (32 in issue 19); lower ones are shown, not judged
const maxC = Math.max(...L.flatMap((run) => run.results.map((r) => r.concurrency)));
const keyOf = (r) => `${r.op}|${r.generator.startsWith('wrk') ? 'wrk' : 'node'}|${r.concurrency}`;
const keys = [...new Set(L.flatMap((run) => run.results.map(keyOf)))];
for (const k of keys) {
  const [op, gen, c] = k.split('|');
  const pick = (run) => run.results.find((r) => keyOf(r) === k);
  const lr = L.map(pick);
  const kr = K.map(pick);
  if (lr.some((x) => !x) || kr.some((x) => !x)) {
    continue;
  }
  const rs = ratios((run) => pick(run).rps, (run) => pick(run).rps);
  const name = op === 'me' ? `me/userinfo (${gen}) c=${c}` : `${op} c=${c}`;
  rows.push({
    row: name, op, generator: gen, concurrency: Number(c),
    latchkey: { rps: lr.map((x) => x.rps), p50_ms: lr.map((x) => x.p50_ms), p99_ms: lr.map((x) => x.p99_ms), errors: lr.map((x) => x.errors + x.warmup_errors), other_cores: lr.map((x) => x.cpu.other), service_cores: lr.map((x) => x.cpu.service), service_cpu_ms_per_request: lr.map((x) => x.service_cpu_ms_per_request) },
    keycloak: { rps: kr.map((x) => x.rps), p50_ms: kr.map((x) => x.p50_ms), p99_ms: kr.map((x) => x.p99_ms), errors: kr.map((x) => x.errors + x.warmup_errors), other_cores: kr.map((x) => x.cpu.other), service_cores: kr.map((x) => x.cpu.service), service_cpu_ms_per_request: kr.map((x) => x.service_cpu_ms_per_request) },
    ratio: rs,
    ...verdict(rs, Number(c) === maxC ? TARGETS[op] : null),
  });
}
const rssRatios = ratios((run) => run.server.rss_after_load_mib, (run) => run.server.rss_after_load_mib);
const startRatios = ratios((run) => run.server.start_to_ready_ms, (run) => run.server.start_to_ready_ms);
const memRow = {
  row: 'RSS after load (MiB)',
  latchkey: { value: L.map((r) => r.server.rss_after_load_mib), idle: L.map((r) => r.server.rss_idle_mib), peak: L.map((r) => r.server.rss_peak_mib) },
  keycloak: { value: K.map((r) => r.server.rss_after_load_mib), idle: K.map((r) => r.server.rss_idle_mib), peak: K.map((r) => r.server.rss_peak_mib) },
  ratio: rssRatios,
  ...verdict(rssRatios, TARGETS.rss),
};
const freshRatios = ratios((run) => run.server.start_to_ready_fresh_db_ms, (run) => run.server.start_to_ready_fresh_db_ms);
const freshRow = {
  row: 'start, fresh database (s)',
  latchkey: { value: L.map((r) => r2(r.server.start_to_ready_fresh_db_ms / 1000)) },
  keycloak: { value: K.map((r) => r2(r.server.start_to_ready_fresh_db_ms / 1000)) },
  ratio: freshRatios,
  target: '-',
  met: '-',
};
const startRow = {
  row: 'start to ready (s)',
  latchkey: { value: L.map((r) => r2(r.server.start_to_ready_ms / 1000)), probe: L[0].server.ready_probe },
  keycloak: { value: K.map((r) => r2(r.server.start_to_ready_ms / 1000)), probe: K[0].server.ready_probe },
  ratio: startRatios,
  target: '-',
  met: '-',
};
const errors = { latchkey: L.map((r) => r.total_errors), keycloak: K.map((r) => r.total_errors) };
const totalErrors = [...errors.latchkey, ...errors.keycloak].reduce((a, b) => a + b, 0);

// ---- the table --------------------------------------------------------------------------------
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout || ''}${r.stderr || ''}`.trim();
};
const javaVersion = (sh(`${process.env.KC_JAVA_HOME || '/usr/lib/jvm/temurin-25-jdk-amd64'}/bin/java`, ['-version']) || '').split('\n')[0];
const machine = {
  nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
  cpu_model: cpuModel(),
  mem_total_gib: r2(os.totalmem() / 2 ** 30),
  java_version: javaVersion,
  node_version: process.version,
  wrk_version: sh('wrk', ['--version']).split('\n')[0],
};
const order = Array.from({ length: Math.max(L.length, K.length) }, (_, i) => (i % 2 === 0 ? 'L,K' : 'K,L')).join(' then ');
const pad = (s, n, left = false) => (left ? String(s).padEnd(n) : String(s).padStart(n));
const lines = [];
lines.push('');
lines.push(`Latchkey ${L[0].version} vs Keycloak ${K[0].version}   ${runs[0].date.slice(0, 16).replace('T', ' ')} UTC   ${L.length} round(s), order ${order}   ${machine.nproc} cores, ${machine.java_version}`);
lines.push(`Latchkey:  ${L[0].password_hash}   JVM ${L[0].jvm_command_line.filter((a) => a.startsWith('-X')).join(' ')}`);
const kh = K[0].password_hash || {};
const kp = kh.additionalParameters || {};
lines.push(`Keycloak:  ${kh.algorithm} type=${(kp.type || [])[0]} m=${(kp.memory || [])[0]} KiB t=${kh.hashIterations} p=${(kp.parallelism || [])[0]} (its default)   JVM ${K[0].jvm_command_line.filter((a) => /^-X(X:\+Use.*GC|ms|mx)/.test(a)).join(' ')} (kc.sh's default)${K[0].jvm_options_appended ? ` + ${K[0].jvm_options_appended}` : ''}`);
lines.push('ranges over the rounds; ratio = Latchkey/Keycloak of each round (throughput: higher is better; RSS, start: lower is better);');
lines.push('svc CPU ms/req: CPU the server process spent per request (moves less with other load than req/s); other cores: CPU of other processes during the measured run');
lines.push('');
const head = `${pad('', 27, true)} ${pad('Latchkey req/s', 15)} ${pad('p50 ms', 11)} ${pad('p99 ms', 11)} | ${pad('Keycloak req/s', 15)} ${pad('p50 ms', 11)} ${pad('p99 ms', 11)} | ${pad('ratio', 11)} ${pad('target', 7)} ${pad('met', 5)} | svc CPU ms/req L / K | other cores L / K`;
lines.push(head);
lines.push('-'.repeat(head.length));
for (const r of rows) {
  const noisy = [...r.latchkey.other_cores, ...r.keycloak.other_cores].some((x) => x > NOISY) ? '  (noisy)' : '';
  lines.push(`${pad(r.row, 27, true)} ${pad(range(r.latchkey.rps), 15)} ${pad(range(r.latchkey.p50_ms), 11)} ${pad(range(r.latchkey.p99_ms), 11)} | ${pad(range(r.keycloak.rps), 15)} ${pad(range(r.keycloak.p50_ms), 11)} ${pad(range(r.keycloak.p99_ms), 11)} | ${pad(`${range(r.ratio)}x`, 11)} ${pad(r.target, 7)} ${pad(r.met, 5)} | ${pad(`${range(r.latchkey.service_cpu_ms_per_request)} / ${range(r.keycloak.service_cpu_ms_per_request)}`, 20, true)} | ${range(r.latchkey.other_cores)} / ${range(r.keycloak.other_cores)}${noisy}`);
}
for (const r of [memRow, startRow, freshRow]) {
  lines.push(`${pad(r.row, 27, true)} ${pad(range(r.latchkey.value), 15)} ${pad('', 11)} ${pad('', 11)} | ${pad(range(r.keycloak.value), 15)} ${pad('', 11)} ${pad('', 11)} | ${pad(`${range(r.ratio)}x`, 11)} ${pad(r.target, 7)} ${pad(r.met, 5)} |`);
}
lines.push('');
lines.push(`RSS idle: Latchkey ${range(memRow.latchkey.idle)} MiB, Keycloak ${range(memRow.keycloak.idle)} MiB; peak (VmHWM): Latchkey ${range(memRow.latchkey.peak)} MiB, Keycloak ${range(memRow.keycloak.peak)} MiB`);
lines.push(`start to ready: from spawn to ${startRow.latchkey.probe} (Latchkey), ${startRow.keycloak.probe} (Keycloak), on the database an earlier start made; "fresh database": the first start, which creates the schema (Keycloak also its master realm and admin)`);
lines.push(`other processes before each start (cores): Latchkey ${range(L.map((r) => r.other_processes_cores_before_start))}, Keycloak ${range(K.map((r) => r.other_processes_cores_before_start))}; load average at the starts ${range(runs.map((r) => r.loadavg_start[0]))}`);
lines.push(`ERROR or uncaught-exception lines in the server logs: Latchkey ${L.map((r) => r.log_error_lines).join(', ')}, Keycloak ${K.map((r) => r.log_error_lines).join(', ')}`);
lines.push(`errors (setup, warm-ups and measured runs): Latchkey ${errors.latchkey.join(', ')}, Keycloak ${errors.keycloak.join(', ')}${totalErrors ? '   <-- NOT a valid comparison' : ''}`);
if (rows.some((r) => [...r.latchkey.other_cores, ...r.keycloak.other_cores].some((x) => x > NOISY))) {
  lines.push(`(noisy): other processes (not the server, the load generator, its PostgreSQL backends or Redis) used more than ${NOISY} cores during a measured run`);
}
lines.push('');
console.log(lines.join('\n'));

const report = {
  schema: 1,
  date: runs[0].date,
  finished: runs[runs.length - 1].finished,
  latchkey_version: L[0].version,
  keycloak_version: K[0].version,
  rounds: L.length,
  order,
  machine,
  targets: TARGETS,
  rows,
  rss: memRow,
  start: startRow,
  start_fresh_db: freshRow,
  total_errors: totalErrors,
  runs,
};
mkdirSync(path.dirname(resultsFile), { recursive: true });
writeFileSync(resultsFile, JSON.stringify(report, null, 2) + '\n');
const stamped = path.join(path.dirname(resultsFile), `keycloak-${report.date.replace(/[:.]/g, '-')}.json`);
copyFileSync(resultsFile, stamped);
console.error(`[keycloak-table] wrote ${resultsFile} and ${stamped}`);
process.exitCode = totalErrors ? 1 : 0;
