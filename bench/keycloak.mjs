// One server's half of the side by side with Keycloak (bench/keycloak.sh runs it once per server
// and round, then bench/lib/keycloak-table.mjs puts the runs together). TARGET=latchkey or
// keycloak: starts that server on its own fresh database, times start to ready, creates USERS
// users, loads login, refresh and the bearer-token GET (Latchkey's /auth/me, Keycloak's userinfo;
// with wrk and with the Node generator) at each concurrency after a warm-up, reads the server
// process's RSS, stops it and writes one JSON file (BENCH_RESULTS). Both servers get the same
// workload from the same code; only the endpoints differ. See README.md, "Side by side with
// Keycloak 26.4".

import { spawn, execFileSync } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { call, closedLoop, newPool, summarize } from './lib/load.mjs';
import { cpuSnapshot, cpuSince, memory, loadavg, setBenchDatabase } from './lib/sys.mjs';
import { wrkRun, wrkSummary } from './lib/wrk.mjs';
import { latchkeyEnv, getOnce } from './lib/service.mjs';

const env = process.env;
const num = (name, dflt) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : dflt);
const cfg = {
  target: env.TARGET,
  round: num('ROUND', 1),
  repo: env.BENCH_REPO,
  work: env.BENCH_WORK,
  results: env.BENCH_RESULTS,
  warmupS: num('WARMUP', 30),
  durationS: num('DURATION', 12),
  concurrency: (env.CONCURRENCY || '32').split(/[\s,]+/).filter(Boolean).map(Number),
  users: num('USERS', 64),
  meTokens: num('ME_TOKENS', 1024),
  wrk: env.WRK || 'wrk',
  wrkThreads: num('WRK_THREADS', 2),
  idleSettleS: num('IDLE_SETTLE', 3),
  startTimeoutS: num('START_TIMEOUT', 180),
  dbUser: env.PGUSER || 'postgres',
  pg: `${env.PGHOST || '127.0.0.1'}:${env.PGPORT || '5432'}`,
};
for (const k of ['target', 'repo', 'work', 'results']) {
  if (!cfg[k]) {
    console.error(`keycloak.mjs: ${k} is not set; run bench/keycloak.sh instead of this file`);
    process.exit(2);
  }
}
const maxC = Math.max(...cfg.concurrency);
const log = (...a) => console.error(`[keycloak.mjs ${cfg.target} ${new Date().toISOString().slice(11, 19)}]`, ...a);
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const password = (n) => `bench passphrase 2026 ${n}`;
const username = (n) => `bench-user-${n}`;

// ---- children: the server (its wrapper and its JVM), wrk -----------------------------------------
const children = new Set();
let server = null; // { proc: the spawned child, pid: the JVM's pid }

function killAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  if (server) {
    for (const pid of [server.pid, server.proc.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping the server and the load generator`);
    killAll();
    process.exit(130);
  });
}

function runChild(cmd, args) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

function psql(db, sql) {
  const [host, port] = cfg.pg.split(':');
  return execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', port, '-U', cfg.dbUser, '-d', db, '-c', sql], { encoding: 'utf8' }).trim();
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The pid of the java process that is {@code pid} itself or its child (kc.sh runs java as its child). */
function javaPid(pid) {
  const comm = (p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      return null;
    }
  };
  if (comm(pid) === 'java') {
    return pid;
  }
  let kids = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return null;
  }
  return kids.find((k) => comm(k) === 'java') || null;
}

/** The JVM's command line without its class path (what options it really ran with). */
function jvmCommandLine(pid) {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-cp' || argv[i] === '-classpath') {
      out.push(argv[i], '<class path>');
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

// ---- the two servers: how each starts, and its endpoints for the same four operations ----------
const latchkey = {
  name: 'Latchkey',
  port: num('LK_PORT', 18480),
  db: env.LK_DB || 'latchkey_kcbench',
  readyPath: '/.well-known/jwks.json',
  mePath: '/auth/me',
  spawn(logFd) {
    const origin = `http://127.0.0.1:${this.port}`;
    const serviceEnv = latchkeyEnv({
      port: this.port, jdbcUrl: `jdbc:postgresql://${cfg.pg}/${this.db}`, dbUser: cfg.dbUser,
      redisUrl: env.LK_REDIS_URL, key: env.LK_KEY, origin,
    });
    // tools/run-service.sh execs the JVM: the child is the service
    return spawn(path.join(cfg.repo, 'tools/run-service.sh'), [], {
      cwd: cfg.work,
      env: { ...cleanEnv(), ...serviceEnv, LK_ARTIFACT: env.LK_JAR, LK_JAVA: env.LK_JAVA, LK_JAVA_OPTS: env.LK_JAVA_OPTS || '' },
      stdio: ['ignore', logFd, logFd],
    });
  },
  async setup(pool) {
    let next = 0;
    return closedLoop({
      concurrency: 8,
      durationMs: 600_000,
      record: false,
      step: async () => {
        if (next >= cfg.users) {
          return null;
        }
        const n = next++;
        const res = await call(pool, 'POST', '/auth/register', { json: { username: username(n), password: password(n) } });
        return { ok: res.status === 201, status: res.status, detail: res.status === 201 ? null : res.body || res.error };
      },
    });
  },
  login: (pool, n) => call(pool, 'POST', '/auth/login', { json: { username: username(n), password: password(n) } }),
  refresh: (pool, refreshToken) => call(pool, 'POST', '/auth/refresh', { json: { refresh_token: refreshToken } }),
  hashSettings() {
    const h = psql(this.db, 'SELECT password_hash FROM users LIMIT 1');
    return h.split('$').slice(0, 4).join('$') + '$...';
  },
};

const KC_REALM = 'bench';
const KC_CLIENT = 'bench-cli';
const kcToken = `/realms/${KC_REALM}/protocol/openid-connect/token`;
const keycloak = {
  name: 'Keycloak',
  port: num('KC_PORT', 18481),
  db: env.KC_DB || 'keycloak_bench',
  readyPath: '/realms/master/.well-known/openid-configuration',
  mePath: `/realms/${KC_REALM}/protocol/openid-connect/userinfo`,
  adminPassword: `bench-admin-${process.pid}-${Date.now()}`,
  spawn(logFd) {
    // production mode (start), optimized: `kc.sh build --db=postgres` ran in keycloak.sh. The
    // clustering transport (default cache ispn, stack jdbc-ping) binds to loopback on a port of
    // the bench's own; everything else is Keycloak's default, JVM options included (kc.sh's).
    const args = ['start', '--optimized', '--http-enabled=true', '--http-host=127.0.0.1', `--http-port=${this.port}`,
      `--http-management-port=${num('KC_MANAGEMENT_PORT', 18482)}`, '--hostname-strict=false',
      `--db-url=jdbc:postgresql://${cfg.pg}/${this.db}`, `--db-username=${cfg.dbUser}`,
      '--cache-embedded-network-bind-address=127.0.0.1', `--cache-embedded-network-bind-port=${num('KC_CLUSTER_PORT', 18483)}`];
    this.args = args;
    return spawn(path.join(env.KC_HOME, 'bin/kc.sh'), args, {
      cwd: cfg.work,
      // JAVA_OPTS_APPEND: added to kc.sh's default JVM options (keycloak.sh's KC_JAVA_OPTS_APPEND),
      // and jgroups.bind.port: 26.4.7 ignores --cache-embedded-network-bind-port and binds 7800
      // (keycloak#46663, fixed in 26.4.11; the system property is the issue's workaround)
      env: { ...cleanEnv(), JAVA_HOME: env.KC_JAVA_HOME,
        JAVA_OPTS_APPEND: `${env.KC_JAVA_OPTS_APPEND || ''} -Djgroups.bind.port=${num('KC_CLUSTER_PORT', 18483)}`.trim(),
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: this.adminPassword },
      stdio: ['ignore', logFd, logFd],
    });
  },
  async adminToken(pool) {
    const res = await call(pool, 'POST', '/realms/master/protocol/openid-connect/token', {
      form: { grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: this.adminPassword },
    });
    if (res.status !== 200) {
      throw new Error(`Keycloak admin token: ${res.status} ${JSON.stringify(res.body || res.error)}`);
    }
    return res.body.access_token;
  },
  async setup(pool) {
    // a realm with Keycloak's defaults, a public client with direct access grants (the password
    // grant), and the users, through the admin REST API
    let bearer = await this.adminToken(pool);
    const must = async (what, res, ok = [201]) => {
      if (!ok.includes(res.status)) {
        throw new Error(`Keycloak ${what}: ${res.status} ${JSON.stringify(res.body || res.error)}`);
      }
    };
    await must('create realm', await call(pool, 'POST', '/admin/realms', { bearer, json: { realm: KC_REALM, enabled: true } }));
    await must('create client', await call(pool, 'POST', `/admin/realms/${KC_REALM}/clients`, {
      bearer,
      json: { clientId: KC_CLIENT, enabled: true, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false },
    }));
    // the master realm's admin tokens live 60 s: a fresh one for the users
    bearer = await this.adminToken(pool);
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
        // email and names given: the user profile (on by default) would otherwise hold the
        // password grant back with "Account is not fully set up"
        const res = await call(pool, 'POST', `/admin/realms/${KC_REALM}/users`, {
          bearer,
          json: {
            username: username(n), enabled: true, email: `${username(n)}@bench.invalid`, emailVerified: true,
            firstName: 'Bench', lastName: `User ${n}`,
            credentials: [{ type: 'password', value: password(n), temporary: false }],
          },
        });
        return { ok: res.status === 201, status: res.status, detail: res.status === 201 ? null : res.body || res.error };
      },
    });
    const realm = await call(pool, 'GET', `/admin/realms/${KC_REALM}`, { bearer: await this.adminToken(pool) });
    this.realmSettings = realm.status === 200 ? {
      accessTokenLifespan: realm.body.accessTokenLifespan, revokeRefreshToken: realm.body.revokeRefreshToken,
      ssoSessionIdleTimeout: realm.body.ssoSessionIdleTimeout, bruteForceProtected: realm.body.bruteForceProtected,
      passwordPolicy: realm.body.passwordPolicy ?? null, defaultSignatureAlgorithm: realm.body.defaultSignatureAlgorithm ?? null,
    } : null;
    return r;
  },
  // without scope=openid: an access token and a refresh token, no ID token (Latchkey issues none);
  // the userinfo endpoint needs openid, so its token pool is made with openid (see tokenPool)
  login: (pool, n, { openid = false } = {}) => call(pool, 'POST', kcToken, {
    form: { grant_type: 'password', client_id: KC_CLIENT, username: username(n), password: password(n), ...(openid ? { scope: 'openid' } : {}) },
  }),
  refresh: (pool, refreshToken) => call(pool, 'POST', kcToken, { form: { grant_type: 'refresh_token', client_id: KC_CLIENT, refresh_token: refreshToken } }),
  hashSettings() {
    return JSON.parse(psql(this.db, "SELECT c.credential_data FROM credential c JOIN user_entity u ON u.id = c.user_id WHERE c.type = 'password' AND u.username = 'bench-user-0'"));
  },
};

/**
 * The environment without settings meant for someone else: JVM options, and every KC_*, QUARKUS_*
 * and LATCHKEY_* variable (Keycloak reads KC_* as its options, e.g. this script's own KC_DB, and
 * both servers are Quarkus applications): each server gets only what is set for it here.
 */
function cleanEnv() {
  const e = { ...env };
  for (const k of Object.keys(e)) {
    if (/^(KC_|QUARKUS_|LATCHKEY_)/.test(k) || ['JAVA_OPTS', 'JAVA_OPTS_APPEND', 'JDK_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS', 'LK_JAVA_OPTS'].includes(k)) {
      delete e[k];
    }
  }
  return e;
}

const server_ = { latchkey, keycloak }[cfg.target];
if (!server_) {
  console.error(`keycloak.mjs: TARGET must be latchkey or keycloak, not ${cfg.target}`);
  process.exit(2);
}
const S = server_;
const origin = `http://127.0.0.1:${S.port}`;

function countLogErrors(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => /\bERROR\b|^Exception in thread/.test(l)).length;
  } catch {
    return null;
  }
}

// ---- start, stop ------------------------------------------------------------------------------
let starts = 0;
async function start() {
  starts++;
  const logPath = path.join(cfg.work, `kcbench-${cfg.target}${starts > 1 ? `-${starts}` : ''}.log`);
  const fd = openSync(logPath, 'w');
  log(`starting ${S.name} on port ${S.port}, database ${S.db} (log: ${path.relative(cfg.repo, logPath)})`);
  const t0 = performance.now();
  const proc = S.spawn(fd);
  server = { proc, pid: null };
  const deadline = t0 + cfg.startTimeoutS * 1000;
  for (;;) {
    if (proc.exitCode !== null) {
      throw new Error(`${S.name} exited with ${proc.exitCode} while starting:\n${tail(logPath)}`);
    }
    if ((await getOnce(S.port, S.readyPath)) === 200) {
      break;
    }
    if (performance.now() > deadline) {
      throw new Error(`${S.name} did not answer within ${cfg.startTimeoutS}s:\n${tail(logPath)}`);
    }
    await sleep(5);
  }
  const startMs = performance.now() - t0;
  server.pid = javaPid(proc.pid);
  if (!server.pid) {
    throw new Error(`no java process under pid ${proc.pid}`);
  }
  return { startMs, logPath };
}

async function stop() {
  if (!server || server.proc.exitCode !== null) {
    return server ? server.proc.exitCode : null;
  }
  const exited = new Promise((resolve) => server.proc.once('exit', (code, signal) => resolve(code ?? signal)));
  server.proc.kill('SIGTERM'); // kc.sh forwards it to its JVM
  // an unref'd timer: it must not hold this process open for 30 s after the server stopped
  const code = await Promise.race([exited, sleep(30_000, 'timeout', { ref: false })]);
  if (code === 'timeout') {
    log(`${S.name} did not stop within 30s of SIGTERM; killing it`);
    killAll();
    return `killed: ${await exited}`;
  }
  return code;
}

// ---- the workload -----------------------------------------------------------------------------
/** The stand-in for autovacuum that bench.mjs uses (when the server runs without it), for both servers alike. */
let autovacuum = null;
function vacuumIfNoAutovacuum() {
  if (autovacuum === null) {
    autovacuum = psql(S.db, 'SHOW autovacuum');
  }
  if (autovacuum === 'off') {
    psql(S.db, 'VACUUM (ANALYZE)');
  }
}

const asResult = (res, what) => (res.status === 200 && res.body && res.body.refresh_token
  ? { ok: true, status: 200, access: res.body.access_token, refresh: res.body.refresh_token }
  : { ok: false, status: res.status, detail: { what, body: res.body || res.error } });

/** count sessions (unmeasured), of users 0..count-1 in turn. */
async function sessions(pool, count, opts) {
  const out = [];
  let next = 0;
  const r = await closedLoop({
    concurrency: Math.min(8, count),
    durationMs: 600_000,
    record: false,
    step: async () => {
      if (next >= count) {
        return null;
      }
      const i = next++;
      const res = asResult(await S.login(pool, i % cfg.users, opts), 'login');
      if (res.ok) {
        out[i] = { refresh: res.refresh, access: res.access };
      }
      return res;
    },
  });
  return { sessions: out.filter(Boolean), errors: r.errors, errorSamples: r.errorSamples };
}

async function phase(op, concurrency, step, generator = 'node/undici') {
  vacuumIfNoAutovacuum();
  log(`${op} c=${concurrency}: warm-up ${cfg.warmupS}s, then ${cfg.durationS}s measured (${generator})`);
  const warm = await closedLoop({ concurrency, durationMs: cfg.warmupS * 1000, step, record: false });
  const cpu0 = cpuSnapshot(server.pid);
  const run = await closedLoop({ concurrency, durationMs: cfg.durationS * 1000, step });
  const cpu = cpuSince(cpu0, server.pid);
  return { op, concurrency, generator, ...summarize(run), warmup_requests: warm.requests, warmup_errors: warm.errors, warmup_error_samples: warm.errorSamples, cpu };
}

function loginPhase(pool, concurrency) {
  let next = 0;
  return phase('login', concurrency, async () => asResult(await S.login(pool, next++ % cfg.users), 'login'));
}

/** Each VU presents the refresh token it received last: never a reuse. */
function refreshPhase(pool, concurrency, chain) {
  return phase('refresh', concurrency, async (vu) => {
    const s = chain[vu];
    const res = asResult(await S.refresh(pool, s.refresh), 'refresh');
    if (res.ok) {
      s.refresh = res.refresh;
      s.access = res.access;
      return res;
    }
    return { ...res, stop: true };
  });
}

/**
 * The access tokens the bearer GET rotates over: maxC new sessions (for Keycloak with
 * scope=openid, which its userinfo endpoint requires), refreshed in turn until ME_TOKENS tokens,
 * a distinct one each, were handed out. Unmeasured, the same for both servers.
 */
async function tokenPool(pool) {
  const made = await sessions(pool, maxC, { openid: true });
  const tokens = made.sessions.map((s) => s.access);
  const chain = made.sessions;
  const r = await closedLoop({
    concurrency: Math.max(1, chain.length),
    durationMs: 600_000,
    record: false,
    step: async (vu) => {
      if (tokens.length >= cfg.meTokens) {
        return null;
      }
      const res = asResult(await S.refresh(pool, chain[vu].refresh), 'refresh (token pool)');
      if (res.ok) {
        chain[vu].refresh = res.refresh;
        tokens.push(res.access);
        return res;
      }
      return { ...res, stop: true };
    },
  });
  return { tokens: tokens.slice(-cfg.meTokens), errors: made.errors + r.errors, errorSamples: [...made.errorSamples, ...r.errorSamples] };
}

function meNodePhase(pool, concurrency, tokens) {
  let next = 0;
  return phase('me', concurrency, async () => {
    const res = await call(pool, 'GET', S.mePath, { bearer: tokens[next++ % tokens.length] });
    return { ok: res.status === 200, status: res.status, detail: res.status === 200 ? null : res.body || res.error };
  });
}

async function meWrkPhase(concurrency, tokensFile) {
  vacuumIfNoAutovacuum();
  log(`me c=${concurrency}: warm-up ${cfg.warmupS}s, then ${cfg.durationS}s measured (wrk)`);
  const run = (seconds) => wrkRun({ wrk: cfg.wrk, threads: cfg.wrkThreads, concurrency, seconds, origin, tokensFile, path: S.mePath, runChild });
  const warm = await run(cfg.warmupS);
  const cpu0 = cpuSnapshot(server.pid);
  const w = await run(cfg.durationS);
  const cpu = cpuSince(cpu0, server.pid);
  return { op: 'me', concurrency, ...wrkSummary(w, warm), cpu };
}

// ---- main -------------------------------------------------------------------------------------
async function main() {
  setBenchDatabase(S.db);
  mkdirSync(path.dirname(cfg.results), { recursive: true });
  const started = new Date();
  const loadStart = loadavg();
  // other processes' CPU just before the start (the machine is shared with other builds)
  // (WAIT_QUIET: wait up to that many seconds for them to use less than 0.3 cores)
  const otherLoad = async () => {
    const s0 = cpuSnapshot(null);
    await sleep(2000);
    return cpuSince(s0, null).other;
  };
  const quietDeadline = performance.now() + num('WAIT_QUIET', 0) * 1000;
  let otherBefore = await otherLoad();
  while (otherBefore > 0.3 && performance.now() < quietDeadline) {
    log(`other processes use ${otherBefore} cores; waiting for the machine to calm down (WAIT_QUIET)`);
    await sleep(5000);
    otherBefore = await otherLoad();
  }

  // start to ready twice: on the fresh database (each server creates its schema, Keycloak also
  // its master realm and admin), then again on the database that start left (a restart); the
  // load runs on the second
  const first = await start();
  log(`ready ${round(first.startMs)} ms after spawn on the fresh database (JVM pid ${server.pid}); stopping it for a restart`);
  const firstExit = await stop();
  const firstLogErrors = countLogErrors(first.logPath);
  const st = await start();
  log(`ready ${round(st.startMs)} ms after spawn on the existing database (JVM pid ${server.pid})`);
  const jvm = jvmCommandLine(server.pid);
  await sleep(cfg.idleSettleS * 1000);
  const idle = memory(server.pid);

  const pool = newPool(origin, Math.max(maxC, 8));
  const setupErrors = [];
  let setupErrorCount = 0;
  const results = [];
  try {
    log(`creating ${cfg.users} users`);
    const made = await S.setup(pool);
    setupErrorCount += made.errors;
    setupErrors.push(...made.errorSamples.map((e) => ({ phase: 'users', ...e })));

    for (const c of cfg.concurrency) {
      results.push(await loginPhase(pool, c));
    }

    log(`logging in ${maxC} sessions for the refresh chain`);
    const chainMade = await sessions(pool, maxC);
    setupErrorCount += chainMade.errors;
    setupErrors.push(...chainMade.errorSamples.map((e) => ({ phase: 'chain logins', ...e })));
    for (const c of cfg.concurrency) {
      results.push(await refreshPhase(pool, c, chainMade.sessions));
    }

    const tp = await tokenPool(pool);
    setupErrorCount += tp.errors;
    setupErrors.push(...tp.errorSamples.map((e) => ({ phase: 'token pool', ...e })));
    const tokensFile = path.join(cfg.work, `kcbench-${cfg.target}-tokens.txt`);
    writeFileSync(tokensFile, tp.tokens.join('\n') + '\n', { mode: 0o600 });
    log(`${S.mePath} rotates over ${tp.tokens.length} access tokens of ${maxC} sessions`);
    for (const c of cfg.concurrency) {
      results.push(await meWrkPhase(c, tokensFile));
    }
    for (const c of cfg.concurrency) {
      results.push(await meNodePhase(pool, c, tp.tokens));
    }

    const after = memory(server.pid);
    const hash = S.hashSettings();
    await pool.close();
    const exit = await stop();
    log(`${S.name} stopped (${exit})`);
    for (const r of results) {
      r.service_cpu_ms_per_request = r.rps > 0 ? round((r.cpu.service / r.rps) * 1000, 3) : null;
    }
    const totalErrors = setupErrorCount + results.reduce((a, r) => a + r.errors + r.warmup_errors, 0);
    const report = {
      schema: 1,
      target: cfg.target,
      name: S.name,
      round: cfg.round,
      version: cfg.target === 'keycloak' ? env.KC_VERSION : env.LK_COMMIT,
      date: started.toISOString(),
      finished: new Date().toISOString(),
      jvm_command_line: jvm,
      jvm_options_appended: cfg.target === 'keycloak' ? env.KC_JAVA_OPTS_APPEND || '' : null,
      // lines of the server's log that report an ERROR or an uncaught exception (should be 0)
      log_error_lines: countLogErrors(st.logPath) + (firstLogErrors || 0),
      log: path.relative(cfg.repo, st.logPath),
      server_args: S.args || null,
      password_hash: hash,
      realm_settings: S.realmSettings || null,
      postgres_autovacuum: autovacuum,
      loadavg_start: loadStart,
      loadavg_end: loadavg(),
      other_processes_cores_before_start: otherBefore,
      config: { ...cfg, repo: undefined, work: undefined },
      server: {
        start_to_ready_ms: round(st.startMs),
        start_to_ready_fresh_db_ms: round(first.startMs),
        first_start_exit: firstExit,
        ready_probe: `GET ${S.readyPath} -> 200`,
        rss_idle_mib: idle.rss_mib,
        rss_after_load_mib: after.rss_mib,
        rss_peak_mib: after.hwm_mib,
        exit,
      },
      results,
      setup_errors: setupErrorCount,
      setup_error_samples: setupErrors,
      total_errors: totalErrors,
    };
    writeFileSync(cfg.results, JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${path.relative(cfg.repo, cfg.results)} (${totalErrors} error(s))`);
  } finally {
    await stop();
  }
}

main().catch((e) => {
  console.error(`keycloak.mjs failed: ${e.stack || e}`);
  killAll();
  process.exit(1);
});
