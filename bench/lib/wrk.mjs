// wrk with bench/lib/me.lua: a bearer-token GET (Latchkey's /auth/me, or another path such as
// Keycloak's userinfo endpoint) at a given concurrency, parsed from the JSON line me.lua prints.
// Shared by bench.mjs and keycloak.mjs.

import { fileURLToPath } from 'node:url';

const ME_LUA = fileURLToPath(new URL('./me.lua', import.meta.url));
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Runs wrk once. {@code runChild(cmd, args)} is the caller's way to run a child to completion
 * (it tracks children so that an interrupt kills them) and resolves to {code, out, err}.
 */
export async function wrkRun({ wrk = 'wrk', threads = 2, concurrency, seconds, origin, tokensFile, path, runChild }) {
  const t = Math.max(1, Math.min(threads, concurrency));
  const args = ['-t', String(t), '-c', String(concurrency), '-d', `${seconds}s`, '--timeout', '5s', '-s', ME_LUA, origin, '--', tokensFile];
  if (path) {
    args.push(path);
  }
  const r = await runChild(wrk, args);
  const line = r.out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (r.code !== 0 || !line) {
    throw new Error(`wrk failed (exit ${r.code}): ${r.out}\n${r.err}`);
  }
  return { threads: t, ...JSON.parse(line.slice('WRK_JSON '.length)) };
}

/** Every error wrk counts: connect, read, write, timeout and status > 399. */
export const wrkErrors = (e) => e.connect + e.read + e.write + e.status + e.timeout;

/** A measured wrk run in the shape of lib/load.mjs's summarize(), plus the warm-up's counts. */
export function wrkSummary(w, warm) {
  const ms = (us) => round(us / 1000, 2);
  return {
    generator: `wrk -t${w.threads}`,
    requests: w.requests,
    seconds: round(w.duration_us / 1e6, 3),
    rps: round(w.requests / (w.duration_us / 1e6), 1),
    p50_ms: ms(w.latency_us.p50),
    p90_ms: ms(w.latency_us.p90),
    p99_ms: ms(w.latency_us.p99),
    max_ms: ms(w.latency_us.max),
    errors: wrkErrors(w.errors),
    error_samples: wrkErrors(w.errors) ? [w.errors] : [],
    warmup_requests: warm.requests,
    warmup_errors: wrkErrors(warm.errors),
    warmup_error_samples: wrkErrors(warm.errors) ? [warm.errors] : [],
  };
}
