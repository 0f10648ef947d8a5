// The Latchkey benchmark: measures the machine's ceilings, starts the packaged service, creates
// users, loads each operation at each concurrency after a warm-up, stops the service, prints a
// table and writes JSON. run.sh prepares everything (jar, key, database, npm packages) and calls
// this with the paths in the environment; see README.md.

import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { openSync, writeFileSync, readFileSync, readdirSync, statSync, mkdirSync, existsSync, copyFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { call, closedLoop, newPool, summarize } from './lib/load.mjs';
import { cpuSnapshot, cpuSince, memory, loadavg, cpuModel, setBenchDatabase } from './lib/sys.mjs';
import { wrkRun, wrkSummary } from './lib/wrk.mjs';
import { latchkeyEnv, getOnce as getOnceAt } from './lib/service.mjs';

/**
 * Inline Bouncy Castle's argon2id code into its callers, for the ceilings' JVM. Without it HotSpot
 * compiles the argon2id loops one of two ways, chosen afresh in every JVM: the slow way takes
 * twice the time per verification (18-21 against 40-44 verifications/s on 2 threads, run to run).
 * The service asks its JVM for the same at start (account/Argon2Inlining), so that both measure
 * the same code.
 */
const ARGON2_INLINE = ['-XX:CompileCommand=quiet', '-XX:CompileCommand=inline,org.bouncycastle.crypto.generators.Argon2BytesGenerator*::*'];

// ---- configuration (run.sh sets the paths; everything else has a default) -----------------------
const env = process.env;
const num = (name, dflt) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : dflt);
const cfg = {
  repo: env.BENCH_REPO,
  work: env.BENCH_WORK,
  jar: env.BENCH_JAR,
  key: env.BENCH_KEY,
  results: env.BENCH_RESULTS,
  java: env.JAVA || 'java',
  // the JVM settings the README recommends for production (deploy/kubernetes uses the same)
  javaOpts: (env.JAVA_OPTS ?? '-XX:+UseParallelGC -Xmx64m -XX:TrimNativeHeapInterval=5000').split(/\s+/).filter(Boolean),
  // a native executable (JAR_PATH naming a *-runner) gets these instead of the JVM options
  nativeOpts: (env.NATIVE_OPTS ?? '').split(/\s+/).filter(Boolean),
  port: num('PORT', 18080),
  jdbcUrl: env.BENCH_JDBC_URL,
  dbName: env.DB_NAME || 'latchkey_bench',
  dbUser: env.PGUSER || 'postgres',
  redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379/2',
  warmupS: num('WARMUP', 15),
  durationS: num('DURATION', 20),
  concurrency: (env.CONCURRENCY || '8 32').split(/[\s,]+/).filter(Boolean).map(Number),
  users: num('USERS', 64),
  ops: (env.OPS || 'login refresh me logout').split(/[\s,]+/).filter(Boolean),
  logoutSessions: num('LOGOUT_SESSIONS', 600),
  logoutBearer: (env.LOGOUT_BEARER || '1') !== '0',
  meTokens: num('ME_TOKENS', 1024),
  wrk: env.WRK === undefined ? 'wrk' : env.WRK,
  wrkThreads: num('WRK_THREADS', 2),
  ceilingWarmupS: num('CEILING_WARMUP', 3),
  ceilingS: num('CEILING_SECONDS', 5),
  ceilingCpu: env.CEILING_CPU || '',
  ceilingBasis: env.CEILING_BASIS || 'cpu',
  idleSettleS: num('IDLE_SETTLE', 3),
  startTimeoutS: num('START_TIMEOUT', 90),
  waitQuietS: num('WAIT_QUIET', 0),
  // after the load, RSS again once the service has idled this long (0: not measured)
  idleAfterS: num('IDLE_AFTER', 30),
};
for (const k of ['repo', 'work', 'jar', 'key', 'results', 'jdbcUrl']) {
  if (!cfg[k]) {
    console.error(`bench.mjs: ${k} is not set; run bench/run.sh instead of this file`);
    process.exit(2);
  }
}
const origin = `http://127.0.0.1:${cfg.port}`;
const maxC = Math.max(...cfg.concurrency);
const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
const isNative = !cfg.jar.endsWith('.jar');

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch (e) {
    return (e.stderr ? e.stderr.toString() : '').trim() || null;
  }
};
const has = (cmd) => sh('sh', ['-c', `command -v ${cmd}`]);
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

let service = null;
const children = new Set();
function cleanup() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  if (service && service.exitCode === null) {
    service.kill('SIGKILL');
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping the service and the load generator`);
    cleanup();
    process.exit(130);
  });
}

/** Runs a child to completion, collecting stdout; tracked so that an interrupt kills it. */
function runChild(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    children.add(c);
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => {
      children.delete(c);
      resolve({ code, out, err });
    });
  });
}

/** The javac beside the java that runs the service (JAVAC overrides), else the one on the PATH. */
function javacFor(java) {
  if (env.JAVAC) {
    return env.JAVAC;
  }
  try {
    const javaPath = sh('sh', ['-c', `command -v ${java}`]);
    const sibling = path.join(path.dirname(realpathSync(javaPath)), 'javac');
    if (existsSync(sibling)) {
      return sibling;
    }
  } catch {
    // fall through
  }
  return 'javac';
}

// ---- 1. ceilings, before the service starts (the machine is as quiet as it gets) ---------------
async function measureCeilings() {
  // the jar's libraries (for a native executable: the JVM build's); env CEILINGS_APP_DIR overrides
  // (bench/compare.sh sets it to this checkout's, so old and new commits get the same ceilings)
  const appDir = env.CEILINGS_APP_DIR
    || (isNative ? path.join(cfg.repo, 'target/quarkus-app') : path.dirname(cfg.jar));
  const lib = path.join(appDir, 'lib');
  // app/* too: the libargon2 ceiling loads the library through the service's own Libargon2, from lib/native
  const cp = `${lib}/boot/*:${lib}/main/*:${appDir}/app/*`;
  const src = path.join(cfg.repo, 'bench/ceilings/Ceilings.java');
  // compiled with javac, not run as `java Ceilings.java`: the source launcher left argon2id
  // without C2 here (~220 ms a verify instead of ~80 ms), which would make the ceiling a lie
  const classes = path.join(cfg.work, 'ceilings-classes');
  mkdirSync(classes, { recursive: true });
  const javac = javacFor(cfg.java);
  const compiled = await runChild(javac, ['-d', classes, '-cp', cp, src]);
  if (compiled.code !== 0) {
    throw new Error(`javac Ceilings.java failed (exit ${compiled.code}):\n${compiled.err.slice(-3000)}`);
  }
  const args = [...ARGON2_INLINE, `-Djava.library.path=${lib}/native`, '-cp', `${classes}:${cp}`, 'Ceilings', cfg.key, String(cfg.ceilingWarmupS), String(cfg.ceilingS)];
  const pinned = cfg.ceilingCpu !== '' && Boolean(has('taskset'));
  log(`ceilings: RS256 signing and argon2id verify on one thread${pinned ? `, pinned to CPU ${cfg.ceilingCpu}` : ''} ` +
      `(${cfg.ceilingWarmupS}s warm-up + ${cfg.ceilingS}s each)`);
  const r = pinned
    ? await runChild('taskset', ['-c', cfg.ceilingCpu, cfg.java, ...args])
    : await runChild(cfg.java, args);
  const line = r.out.split('\n').find((l) => l.startsWith('{'));
  if (r.code !== 0 || !line) {
    throw new Error(`Ceilings.java failed (exit ${r.code}):\n${r.err.slice(-3000)}`);
  }
  const m = JSON.parse(line);
  // the ceiling is what one operation costs a core (thread CPU time), times the cores; the
  // wall-clock rate of the one thread is the same on a quiet machine and is kept for comparison
  const basis = cfg.ceilingBasis === 'wall' ? 'wall' : 'cpu';
  const rate = (x) => (basis === 'cpu' ? x.cpu_per_second : x.wall_per_second);
  return {
    basis,
    pinned_to_cpu: pinned ? cfg.ceilingCpu : null,
    cores,
    method: `one thread; median of ~1 s slices after a ${cfg.ceilingWarmupS}s warm-up; ceiling = ${basis === 'cpu' ? '1 / (thread CPU time per op)' : 'wall-clock rate'} x cores`,
    // the JDK (SunRsaSign, through smallrye-jwt-build) and Amazon Corretto Crypto Provider (what the
    // service signs with by default where it loads, AccessTokenSigner); the refresh ceiling is the
    // faster one the service uses: ACCP when it loaded here
    rs256_signer: m.rs256_sign_accp ? 'accp' : 'jdk',
    rs256_jdk_sign_per_s_one_core: round(rate(m.rs256_sign)),
    rs256_jdk_sign_cpu_ms: round(m.rs256_sign.cpu_ms_each, 3),
    rs256_accp_sign_per_s_one_core: m.rs256_sign_accp ? round(rate(m.rs256_sign_accp)) : null,
    rs256_accp_sign_cpu_ms: m.rs256_sign_accp ? round(m.rs256_sign_accp.cpu_ms_each, 3) : null,
    rs256_accp_error: m.rs256_sign_accp_error,
    rs256_sign_per_s_one_core: round(rate(m.rs256_sign_accp || m.rs256_sign)),
    rs256_sign_cpu_ms: round((m.rs256_sign_accp || m.rs256_sign).cpu_ms_each, 3),
    rs256_sign_wall_per_s: round((m.rs256_sign_accp || m.rs256_sign).wall_per_second),
    // Bouncy Castle and libargon2 (what PasswordHasher uses by default where it loads); the login
    // ceiling is the one the service uses: libargon2 when it loaded here
    argon2id_hasher: m.argon2id_verify_libargon2 ? `libargon2 ${m.argon2id_libargon2_level}` : 'bouncycastle',
    argon2id_bc_verify_per_s_one_core: round(rate(m.argon2id_verify), 2),
    argon2id_bc_verify_cpu_ms: round(m.argon2id_verify.cpu_ms_each, 1),
    argon2id_libargon2_verify_per_s_one_core: m.argon2id_verify_libargon2 ? round(rate(m.argon2id_verify_libargon2), 2) : null,
    argon2id_libargon2_verify_cpu_ms: m.argon2id_verify_libargon2 ? round(m.argon2id_verify_libargon2.cpu_ms_each, 1) : null,
    argon2id_libargon2_error: m.argon2id_libargon2_error,
    // libargon2 on every core at once (one hash per core, as the service runs them under load)
    argon2id_libargon2_all_cores_per_s: m.argon2id_verify_libargon2_all_cores ? round(m.argon2id_verify_libargon2_all_cores.per_second, 1) : null,
    argon2id_libargon2_all_cores_cpu_ms: m.argon2id_verify_libargon2_all_cores ? round(m.argon2id_verify_libargon2_all_cores.cpu_ms_each, 1) : null,
    argon2id_verify_per_s_one_core: round(rate(m.argon2id_verify_libargon2 || m.argon2id_verify), 2),
    argon2id_verify_cpu_ms: round((m.argon2id_verify_libargon2 || m.argon2id_verify).cpu_ms_each, 1),
    argon2id_verify_wall_ms: round((m.argon2id_verify_libargon2 || m.argon2id_verify).wall_ms_each, 1),
    argon2id_params: m.phc_params,
    refresh_ceiling_rps: round(rate(m.rs256_sign_accp || m.rs256_sign) * cores),
    login_ceiling_rps: round(rate(m.argon2id_verify_libargon2 || m.argon2id_verify) * cores, 2),
    raw: m,
  };
}

// ---- 0. how busy the machine is before we start (other agents' builds, tests...) ------------------
const NOISY = 0.3; // cores used by other processes above which a measurement is marked noisy

/** Cores used by processes that are not ours (the service, the load generator, the bench's PostgreSQL backends, Redis). */
async function otherLoad(ms = 2000) {
  const pid = service && service.exitCode === null ? service.pid : null;
  const s = cpuSnapshot(pid);
  await sleep(ms);
  return cpuSince(s, pid).other;
}

/** Before a phase: wait (up to WAIT_QUIET seconds) for other processes to calm down, if asked to. */
async function quietBeforePhase() {
  if (cfg.waitQuietS > 0) {
    return waitForQuiet();
  }
  return null;
}

async function waitForQuiet() {
  const deadline = performance.now() + cfg.waitQuietS * 1000;
  let busy = await otherLoad();
  while (busy > NOISY && performance.now() < deadline) {
    log(`the machine is busy (${busy} cores used by other processes); waiting up to ${cfg.waitQuietS}s for it to calm down`);
    await sleep(5000);
    busy = await otherLoad();
  }
  if (busy > NOISY) {
    log(`WARNING: other processes use ${busy} of ${cores} cores: the numbers of this run will be noisy`);
  }
  return busy;
}

/**
 * PostgreSQL's autovacuum, when this server runs without it: VACUUM (ANALYZE) of the bench
 * database before each phase. A production server vacuums and analyzes on its own; without it,
 * dead row versions from the earlier phases pile up and the planner never learns the table sizes,
 * so later phases would measure a neglected database rather than the service.
 */
let autovacuum = null;
function standInForAutovacuum() {
  if (autovacuum === null) {
    autovacuum = psql('SHOW autovacuum');
    log(`PostgreSQL autovacuum is ${autovacuum}${autovacuum === 'off' ? ': the bench runs VACUUM (ANALYZE) before each phase instead' : ''}`);
  }
  if (autovacuum === 'off') {
    psql('VACUUM (ANALYZE)');
  }
}

function psql(sql) {
  return execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', cfg.dbName, '-c', sql], { encoding: 'utf8' }).trim();
}

// ---- 2. the service: start time, RSS ------------------------------------------------------------
const getOnce = (p) => getOnceAt(cfg.port, p);

async function startService() {
  const logPath = path.join(cfg.work, 'service.log');
  const fd = openSync(logPath, 'w');
  const serviceEnv = { ...env, ...latchkeyEnv({ port: cfg.port, jdbcUrl: cfg.jdbcUrl, dbUser: cfg.dbUser, redisUrl: cfg.redisUrl, key: cfg.key, origin }) };
  log(isNative
    ? `starting the native executable ${cfg.jar} ${cfg.nativeOpts.join(' ')} on port ${cfg.port} (log: ${path.relative(cfg.repo, logPath)})`
    : `starting ${cfg.java} ${cfg.javaOpts.join(' ')} -jar ${cfg.jar} on port ${cfg.port} (log: ${path.relative(cfg.repo, logPath)})`);
  const t0 = performance.now();
  // tools/run-service.sh, as every script starts the service (it execs the JVM: the child is the
  // service); cwd = the work dir, so that no config/application.properties of the checkout is picked up
  service = spawn(path.join(cfg.repo, 'tools/run-service.sh'), [], {
    cwd: cfg.work,
    env: { ...serviceEnv, LK_ARTIFACT: cfg.jar, LK_JAVA: cfg.java, LK_JAVA_OPTS: cfg.javaOpts.join(' '),
      LK_NATIVE_OPTS: cfg.nativeOpts.join(' ') },
    stdio: ['ignore', fd, fd],
  });
  const deadline = t0 + cfg.startTimeoutS * 1000;
  for (;;) {
    if (service.exitCode !== null) {
      throw new Error(`the service exited with ${service.exitCode} while starting:\n${tail(logPath)}`);
    }
    if ((await getOnce('/.well-known/jwks.json')) === 200) {
      break;
    }
    if (performance.now() > deadline) {
      throw new Error(`the service did not answer within ${cfg.startTimeoutS}s:\n${tail(logPath)}`);
    }
    await sleep(5);
  }
  const startMs = performance.now() - t0;
  const ready = await getOnce('/q/health/ready');
  if (ready !== 200) {
    throw new Error(`/q/health/ready answered ${ready}:\n${tail(logPath)}`);
  }
  const m = readFileSync(logPath, 'utf8').match(/started in ([\d.]+)s/);
  return { startMs, quarkusStartedS: m ? Number(m[1]) : null, logPath };
}

/** The executable's size: the native binary, or the jar's whole application directory. */
function artifactMib() {
  const sizeOf = (p) => {
    const st = statSync(p);
    return st.isDirectory() ? readdirSync(p).reduce((a, f) => a + sizeOf(path.join(p, f)), 0) : st.size;
  };
  return round(sizeOf(isNative ? cfg.jar : path.dirname(cfg.jar)) / 2 ** 20, 1);
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function stopService() {
  if (!service || service.exitCode !== null) {
    return service ? service.exitCode : null;
  }
  const exited = new Promise((resolve) => service.once('exit', (code, signal) => resolve(code ?? signal)));
  service.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout')]);
  if (code === 'timeout') {
    log('the service did not stop within 20s of SIGTERM; killing it');
    service.kill('SIGKILL');
    return `killed: ${await exited}`;
  }
  return code;
}

// ---- 3. the workload ----------------------------------------------------------------------------
const password = (n) => `bench passphrase 2026 ${n}`;
const username = (n) => `bench-user-${n}`;
const setupErrors = [];

async function register(pool) {
  let next = 0;
  const r = await closedLoop({
    concurrency: 8,
    durationMs: 600_000,
    record: false,
    step: async () => {
      if (next >= cfg.users) {
        return null;
      }
      const n = next++;
      const res = await call(pool, 'POST', '/auth/register', { json: { username: username(n), password: password(n) } });
      // 409: the user is there from a previous run (RESET_DB=0); same password, so it is usable
      const ok = res.status === 201 || res.status === 409;
      return { ok, status: res.status, detail: ok ? null : res.body || res.error };
    },
  });
  return r;
}

async function login(pool, n) {
  const res = await call(pool, 'POST', '/auth/login', { json: { username: username(n), password: password(n) } });
  if (res.status === 200 && res.body && res.body.refresh_token) {
    return { ok: true, status: 200, session: { user: n, refresh: res.body.refresh_token, access: res.body.access_token, sid: res.body.session_id } };
  }
  return { ok: false, status: res.status, detail: res.body || res.error };
}

/** Unmeasured logins (setup): sessions for the refresh chain, or for logout when the login phase did not make enough. */
async function makeSessions(pool, count, concurrency, firstUser = 0) {
  const sessions = [];
  let next = 0;
  const r = await closedLoop({
    concurrency,
    durationMs: 600_000,
    record: false,
    step: async () => {
      if (next >= count) {
        return null;
      }
      const i = next++;
      const res = await login(pool, (firstUser + i) % cfg.users);
      if (res.ok) {
        sessions[i] = res.session;
      }
      return res;
    },
  });
  if (r.errors) {
    setupErrors.push(...r.errorSamples.map((e) => ({ phase: 'setup login', ...e })));
  }
  return { sessions: sessions.filter(Boolean), errors: r.errors };
}

/** Warm-up (unrecorded) then a measured run of the same step, with CPU accounting over the measured run. */
async function phase(op, concurrency, step, { warmupMs = cfg.warmupS * 1000, durationMs = cfg.durationS * 1000 } = {}) {
  standInForAutovacuum();
  const before = await quietBeforePhase();
  log(`${op} c=${concurrency}: warm-up ${warmupMs / 1000}s, then ${durationMs / 1000}s measured`);
  const warm = await closedLoop({ concurrency, durationMs: warmupMs, step, record: false });
  const cpu0 = cpuSnapshot(service.pid);
  const run = await closedLoop({ concurrency, durationMs, step });
  const cpu = cpuSince(cpu0, service.pid);
  return { op, concurrency, generator: 'node/undici', ...summarize(run), warmup_requests: warm.requests, warmup_errors: warm.errors, warmup_error_samples: warm.errorSamples, cpu, other_cores_before: before };
}

async function loginPhase(pool, concurrency, sink) {
  let next = 0;
  return phase('login', concurrency, async () => {
    const res = await login(pool, next++ % cfg.users);
    if (res.ok) {
      sink.push(res.session);
    }
    return res;
  });
}

/** The newest access tokens handed out by refreshes (all still valid: rotation does not revoke them), for /auth/me. */
const recentAccessTokens = [];

async function refreshPhase(pool, concurrency, chain) {
  return phase('refresh', concurrency, async (vu) => {
    const s = chain[vu];
    const res = await call(pool, 'POST', '/auth/refresh', { json: { refresh_token: s.refresh } });
    if (res.status === 200 && res.body && res.body.refresh_token) {
      // always the newest: the next call of this VU presents the token just received
      s.refresh = res.body.refresh_token;
      s.access = res.body.access_token;
      s.refreshes = (s.refreshes || 0) + 1;
      recentAccessTokens.push(s.access);
      if (recentAccessTokens.length > 2 * cfg.meTokens) {
        recentAccessTokens.splice(0, recentAccessTokens.length - cfg.meTokens);
      }
      return { ok: true, status: 200 };
    }
    // the session may be dead now (a reuse would have killed it): this VU stops
    return { ok: false, status: res.status, detail: res.body || res.error, stop: true };
  });
}

async function mePhaseNode(pool, concurrency, tokens) {
  let next = 0;
  const r = await phase('me', concurrency, async () => {
    const res = await call(pool, 'GET', '/auth/me', { bearer: tokens[next++ % tokens.length] });
    return { ok: res.status === 200, status: res.status, detail: res.status === 200 ? null : res.body || res.error };
  });
  return r;
}

async function mePhaseWrk(concurrency, tokensFile) {
  const before = await quietBeforePhase();
  log(`me c=${concurrency}: warm-up ${cfg.warmupS}s, then ${cfg.durationS}s measured (wrk)`);
  const run = (seconds) => wrkRun({ wrk: cfg.wrk, threads: cfg.wrkThreads, concurrency, seconds, origin, tokensFile, runChild });
  const warm = await run(cfg.warmupS);
  const cpu0 = cpuSnapshot(service.pid);
  const w = await run(cfg.durationS);
  const cpu = cpuSince(cpu0, service.pid);
  return { op: 'me', concurrency, ...wrkSummary(w, warm), cpu, other_cores_before: before };
}

async function logoutPhase(pool, concurrency, sessions) {
  // each logout ends a session, and a session costs a login (an argon2id verify): the pool is
  // finite, so this phase is sized by count: 20 % warm-up, the rest measured (capped by DURATION)
  const warmCount = Math.max(1, Math.floor(sessions.length * 0.2));
  let next = 0;
  let limit = warmCount;
  const step = async () => {
    if (next >= limit) {
      return null;
    }
    const s = sessions[next++];
    const res = await call(pool, 'POST', '/auth/logout', { json: { refresh_token: s.refresh }, bearer: cfg.logoutBearer ? s.access : undefined });
    return { ok: res.status === 204, status: res.status, detail: res.status === 204 ? null : res.body || res.error };
  };
  const before = await quietBeforePhase();
  log(`logout c=${concurrency}: warm-up ${warmCount} logouts, then ${sessions.length - warmCount} measured (at most ${cfg.durationS}s)`);
  const warm = await closedLoop({ concurrency, durationMs: cfg.durationS * 1000, step, record: false });
  limit = sessions.length;
  const cpu0 = cpuSnapshot(service.pid);
  const run = await closedLoop({ concurrency, durationMs: cfg.durationS * 1000, step });
  const cpu = cpuSince(cpu0, service.pid);
  return { op: 'logout', concurrency, generator: 'node/undici', ...summarize(run), warmup_requests: warm.requests, warmup_errors: warm.errors, warmup_error_samples: warm.errorSamples, cpu, other_cores_before: before };
}

// ---- 4. report ----------------------------------------------------------------------------------
function fractionOf(r, ceilings) {
  if (!ceilings) {
    return null;
  }
  if (r.op === 'refresh') {
    return r.rps / ceilings.refresh_ceiling_rps;
  }
  if (r.op === 'login') {
    return r.rps / ceilings.login_ceiling_rps;
  }
  return null;
}

function evaluateTargets(results, ceilings, totalErrors) {
  const at = (op) => results.find((r) => r.op === op && r.concurrency === maxC);
  const targets = [];
  const add = (name, measured, threshold, pass) => targets.push({ name, measured, threshold, pass });
  const refresh = at('refresh');
  if (refresh) {
    add(`refresh c=${maxC}: throughput >= 60% of RS256 ceiling (${refresh.ceiling_rps}/s)`, `${round(refresh.fraction_of_ceiling * 100)}% (${refresh.rps}/s)`, '60%', refresh.fraction_of_ceiling >= 0.6);
    add(`refresh c=${maxC}: p99 < 25 ms`, `${refresh.p99_ms} ms`, '25 ms', refresh.p99_ms < 25);
  }
  const me = at('me');
  if (me) {
    add(`/auth/me c=${maxC}: >= 8000 req/s`, `${me.rps}/s`, '8000/s', me.rps >= 8000);
  }
  const login = at('login');
  if (login) {
    add(`login c=${maxC}: throughput >= 80% of argon2id ceiling (${login.ceiling_rps}/s)`, `${round(login.fraction_of_ceiling * 100)}% (${login.rps}/s)`, '80%', login.fraction_of_ceiling >= 0.8);
  }
  add('no errors at all (setup, warm-ups and measured runs)', `${totalErrors} error(s)`, '0', totalErrors === 0);
  return targets;
}

function pad(s, n, right = false) {
  s = String(s ?? '-');
  return right ? s.padEnd(n) : s.padStart(n);
}

function table(report) {
  const lines = [];
  const c = report.ceilings;
  lines.push('');
  lines.push(`Latchkey benchmark  ${report.date}  commit ${report.commit}${report.dirty ? ' (dirty)' : ''}  ${report.machine.nproc} cores  ${report.machine.java_version}`);
  if (c) {
    lines.push(`ceilings (1 thread${c.pinned_to_cpu ? `, pinned to CPU ${c.pinned_to_cpu}` : ''}, ${c.basis === 'cpu' ? 'CPU time' : 'wall clock'}, x ${c.cores} cores): ` +
      `RS256 sign (${c.rs256_signer}) ${c.rs256_sign_cpu_ms} ms CPU = ${c.rs256_sign_per_s_one_core}/s/core (wall ${c.rs256_sign_wall_per_s}/s) -> refresh ceiling ${c.refresh_ceiling_rps}/s`);
    lines.push(`  RS256 sign by provider: JDK ${c.rs256_jdk_sign_per_s_one_core}/s/core (${c.rs256_jdk_sign_cpu_ms} ms CPU), ` +
      (c.rs256_accp_sign_per_s_one_core ? `ACCP ${c.rs256_accp_sign_per_s_one_core}/s/core (${c.rs256_accp_sign_cpu_ms} ms CPU)` : `ACCP not loaded: ${c.rs256_accp_error}`));
    lines.push(`  argon2id verify (${c.argon2id_hasher}) ${c.argon2id_verify_cpu_ms} ms CPU = ${c.argon2id_verify_per_s_one_core}/s/core (wall ${c.argon2id_verify_wall_ms} ms) -> login ceiling ${c.login_ceiling_rps}/s`);
    lines.push(`  argon2id verify by implementation, one core: Bouncy Castle ${c.argon2id_bc_verify_per_s_one_core}/s (${c.argon2id_bc_verify_cpu_ms} ms CPU), ` +
      (c.argon2id_libargon2_verify_per_s_one_core ? `libargon2 ${c.argon2id_libargon2_verify_per_s_one_core}/s (${c.argon2id_libargon2_verify_cpu_ms} ms CPU)` : `libargon2 not loaded: ${c.argon2id_libargon2_error}`));
    if (c.argon2id_libargon2_all_cores_per_s) {
      lines.push(`  libargon2 on all ${c.cores} cores at once: ${c.argon2id_libargon2_all_cores_per_s}/s together (${c.argon2id_libargon2_all_cores_cpu_ms} ms CPU each: the cores share memory bandwidth and cache)`);
    }
    const again = report.ceilings_before_phases || {};
    if (again.login) {
      lines.push(`  measured again right before the login phases: argon2id verify ${again.login.argon2id_verify_cpu_ms} ms CPU -> login ceiling ${again.login.login_ceiling_rps}/s (used for login)`);
    }
    if (again.refresh) {
      lines.push(`  measured again right before the refresh phases: RS256 sign ${again.refresh.rs256_sign_cpu_ms} ms CPU -> refresh ceiling ${again.refresh.refresh_ceiling_rps}/s (used for refresh)`);
    }
  }
  lines.push(`start to first served request: ${report.service.start_to_first_request_ms} ms (Quarkus says started in ${report.service.quarkus_reported_start_s ?? '?'} s)`);
  lines.push(`RSS: idle ${report.service.rss_idle_mib} MiB, after load ${report.service.rss_after_load_mib} MiB (peak ${report.service.rss_peak_mib} MiB)` +
    (report.service.rss_after_idle_mib === null ? '' : `, after ${cfg.idleAfterS}s idle ${report.service.rss_after_idle_mib} MiB`));
  lines.push('');
  const head = `${pad('operation', 9, true)} ${pad('conc', 4)} ${pad('req/s', 9)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('errors', 6)} ${pad('of ceiling', 10)}   ${pad('requests', 8)} ${pad('svc ms/req', 10)} ${pad('cpu-bound', 9)}  cpu cores: ${pad('service', 7)} ${pad('loadgen', 7)} ${pad('pg', 4)} ${pad('redis', 5)} ${pad('other', 5)}  generator`;
  lines.push(head);
  lines.push('-'.repeat(head.length));
  for (const r of report.results) {
    const frac = r.fraction_of_ceiling === null ? '-' : `${round(r.fraction_of_ceiling * 100)}%`;
    lines.push(`${pad(r.op, 9, true)} ${pad(r.concurrency, 4)} ${pad(r.rps, 9)} ${pad(r.p50_ms, 7)} ${pad(r.p99_ms, 7)} ${pad(r.errors + r.warmup_errors, 6)} ${pad(frac, 10)}   ${pad(r.requests, 8)} ${pad(r.service_cpu_ms_per_request, 10)} ${pad(r.cpu_bound_fraction === null ? '-' : `${round(r.cpu_bound_fraction * 100)}%`, 9)}             ${pad(r.cpu.service, 7)} ${pad(r.cpu.loadgen, 7)} ${pad(r.cpu.pg, 4)} ${pad(r.cpu.redis, 5)} ${pad(r.cpu.other, 5)}  ${r.generator}${r.cpu.other > NOISY ? '  (noisy)' : ''}`);
  }
  if (report.results.some((r) => r.cpu.other > NOISY) || report.machine.other_processes_cores_before_start > NOISY) {
    lines.push(`(noisy): "other" processes (not the service, the load generator, its PostgreSQL backends or Redis) used more than ${NOISY} cores.`);
    lines.push(`other processes used ${report.machine.other_processes_cores_before_start} cores just before the run.`);
  }
  lines.push('');
  lines.push('targets:');
  for (const t of report.targets) {
    lines.push(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured}`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---- main ---------------------------------------------------------------------------------------
async function main() {
  setBenchDatabase(cfg.dbName);
  mkdirSync(path.dirname(cfg.results), { recursive: true });
  const started = new Date();
  const loadStart = loadavg();
  const commit = sh('git', ['-C', cfg.repo, 'rev-parse', '--short=12', 'HEAD']);
  const dirty = Boolean(sh('git', ['-C', cfg.repo, 'status', '--porcelain', '--untracked-files=no']));
  const jv = spawnSync(cfg.java, ['-version'], { encoding: 'utf8' });
  const javaVersion = `${jv.stderr || ''}${jv.stdout || ''}`.trim().split('\n');
  const useWrk = cfg.wrk && has(cfg.wrk);
  if (cfg.ops.includes('me') && !useWrk) {
    log('wrk not found: /auth/me is loaded from Node instead (slower per request; install wrk for the real number)');
  }

  const busyBefore = await waitForQuiet();
  const ceilings = await measureCeilings();
  log(`ceilings: RS256 sign ${ceilings.rs256_sign_cpu_ms} ms CPU (${ceilings.rs256_sign_wall_per_s}/s wall), ` +
      `argon2id verify ${ceilings.argon2id_verify_cpu_ms} ms CPU (${ceilings.argon2id_verify_wall_ms} ms wall)`);

  const start = await startService();
  log(`first request served ${round(start.startMs)} ms after spawn`);
  await sleep(cfg.idleSettleS * 1000);
  const idle = memory(service.pid);

  const results = [];
  const pool = newPool(origin, Math.max(maxC, 8));
  try {
    log(`registering ${cfg.users} users`);
    const reg = await register(pool);
    if (reg.errors) {
      setupErrors.push(...reg.errorSamples.map((e) => ({ phase: 'register', ...e })));
    }
    let setupErrorCount = reg.errors;

    // The host's other tenants change how fast memory-hard argon2id runs from minute to minute
    // (2.5x seen here, while RS256 moved 7%): each operation is compared with ceilings measured
    // right before its own phases, with the service idle, not with the ones from the start.
    const ceilingsBefore = {};
    const loginSessions = [];
    if (cfg.ops.includes('login')) {
      ceilingsBefore.login = await measureCeilings();
      log(`ceilings again before login: argon2id verify ${ceilingsBefore.login.argon2id_verify_cpu_ms} ms CPU`);
      for (const c of cfg.concurrency) {
        results.push(await loginPhase(pool, c, loginSessions));
      }
    }

    // one session per refresh VU, each of a different user (users 0..maxC-1)
    log(`logging in ${maxC} sessions for the refresh chain and /auth/me`);
    const chainMade = await makeSessions(pool, maxC, Math.min(8, maxC));
    setupErrorCount += chainMade.errors;
    const chain = chainMade.sessions;
    if (cfg.ops.includes('refresh')) {
      ceilingsBefore.refresh = await measureCeilings();
      log(`ceilings again before refresh: RS256 sign ${ceilingsBefore.refresh.rs256_sign_cpu_ms} ms CPU`);
      for (const c of cfg.concurrency) {
        results.push(await refreshPhase(pool, c, chain));
      }
    }

    if (cfg.ops.includes('me')) {
      // a pool of valid access tokens: the newest ME_TOKENS handed out by the refresh chain (32
      // users and sessions, a distinct jti each), or the chain's own if the refresh phase did not run
      const tokens = [...new Set([...chain.map((s) => s.access), ...recentAccessTokens.slice(-cfg.meTokens)])].slice(-cfg.meTokens);
      const tokensFile = path.join(cfg.work, 'access-tokens.txt');
      writeFileSync(tokensFile, tokens.join('\n') + '\n', { mode: 0o600 });
      log(`/auth/me rotates over ${tokens.length} access tokens of ${chain.length} sessions`);
      for (const c of cfg.concurrency) {
        results.push(useWrk ? await mePhaseWrk(c, tokensFile) : await mePhaseNode(pool, c, tokens));
      }
    }

    if (cfg.ops.includes('logout')) {
      if (loginSessions.length < cfg.logoutSessions) {
        const missing = cfg.logoutSessions - loginSessions.length;
        log(`logging in ${missing} more sessions for logout (the login phase made ${loginSessions.length})`);
        const more = await makeSessions(pool, missing, maxC);
        setupErrorCount += more.errors;
        loginSessions.push(...more.sessions);
      }
      const per = Math.floor(loginSessions.length / cfg.concurrency.length);
      for (const [i, c] of cfg.concurrency.entries()) {
        results.push(await logoutPhase(pool, c, loginSessions.slice(i * per, (i + 1) * per)));
      }
    }

    const after = memory(service.pid);
    let afterIdle = null;
    if (cfg.idleAfterS > 0) {
      log(`idling ${cfg.idleAfterS}s for the RSS after idle`);
      await sleep(cfg.idleAfterS * 1000);
      afterIdle = memory(service.pid);
    }
    await pool.close();
    const exit = await stopService();
    log(`service stopped (${exit})`);

    for (const r of results) {
      // CPU the service spent per request: far less sensitive to other load on the machine than req/s
      r.service_cpu_ms_per_request = r.rps > 0 ? round((r.cpu.service / r.rps) * 1000, 3) : null;
      const own = ceilingsBefore[r.op] || ceilings;
      r.ceiling_rps = r.op === 'refresh' ? own.refresh_ceiling_rps : r.op === 'login' ? own.login_ceiling_rps : null;
      r.fraction_of_ceiling = fractionOf(r, own);
      if (r.fraction_of_ceiling !== null) {
        r.fraction_of_ceiling = round(r.fraction_of_ceiling, 3);
      }
      // the share of the service's CPU per request that is the unavoidable work (one signature per
      // refresh, one argon2id verify per login): the fraction of the ceiling the service would
      // reach if it had every core to itself, whatever else ran on the machine during this run
      const work = r.op === 'refresh' ? own.rs256_sign_cpu_ms : r.op === 'login' ? own.argon2id_verify_cpu_ms : null;
      r.cpu_bound_fraction = work && r.service_cpu_ms_per_request ? round(work / r.service_cpu_ms_per_request, 3) : null;
    }
    const totalErrors = setupErrorCount + results.reduce((a, r) => a + r.errors + r.warmup_errors, 0);
    const report = {
      schema: 1,
      date: started.toISOString(),
      finished: new Date().toISOString(),
      commit,
      dirty,
      machine: {
        nproc: cores,
        cpu_model: cpuModel(),
        mem_total_gib: round(os.totalmem() / 2 ** 30, 1),
        kernel: os.release(),
        java_version: javaVersion[0] || null,
        java_version_full: javaVersion,
        node_version: process.version,
        wrk_version: useWrk ? (() => {
          const v = spawnSync(cfg.wrk, ['--version'], { encoding: 'utf8' });
          return `${v.stdout || ''}${v.stderr || ''}`.split('\n')[0].trim();
        })() : null,
        loadavg_start: loadStart,
        other_processes_cores_before_start: busyBefore,
        loadavg_end: loadavg(),
        postgres_autovacuum: autovacuum,
      },
      config: { ...cfg, repo: undefined, work: undefined, key: undefined },
      ceilings,
      ceilings_before_phases: ceilingsBefore,
      service: {
        start_to_first_request_ms: round(start.startMs),
        quarkus_reported_start_s: start.quarkusStartedS,
        rss_idle_mib: idle.rss_mib,
        rss_after_load_mib: after.rss_mib,
        rss_peak_mib: after.hwm_mib,
        rss_after_idle_mib: afterIdle ? afterIdle.rss_mib : null,
        artifact: isNative ? 'native' : 'jvm',
        artifact_mib: artifactMib(),
        exit,
      },
      results,
      setup_errors: setupErrorCount,
      setup_error_samples: setupErrors,
      total_errors: totalErrors,
      targets: [],
    };
    report.targets = evaluateTargets(results, ceilings, totalErrors);
    const text = table(report);
    console.log(text);
    writeFileSync(cfg.results, JSON.stringify(report, null, 2) + '\n');
    const stamped = path.join(path.dirname(cfg.results), `${started.toISOString().replace(/[:.]/g, '-')}-${commit}.json`);
    copyFileSync(cfg.results, stamped);
    log(`wrote ${path.relative(cfg.repo, cfg.results)} and ${path.relative(cfg.repo, stamped)}`);
    if (env.STRICT === '1' && report.targets.some((t) => !t.pass)) {
      process.exitCode = 1;
    }
  } finally {
    await stopService();
  }
}

main().catch(async (e) => {
  console.error(`bench failed: ${e.stack || e}`);
  cleanup();
  process.exit(1);
});
