// Fast start: time from spawning the JVM to the first served request, with and without the JDK 25
// AOT cache. faststart.sh builds the aot-jar packaging and prepares the database; this file makes
// the AOT cache with a training run, then starts the service RUNS times per variant and prints a
// table (and writes JSON). See README.md, "Fast start".

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const env = process.env;
const cfg = {
  appDir: env.FS_APP_DIR,
  work: env.FS_WORK,
  key: env.FS_KEY,
  results: env.FS_RESULTS,
  jdbcUrl: env.FS_JDBC_URL,
  redisUrl: env.REDIS_URL,
  port: Number(env.PORT || 18090),
  runs: Number(env.RUNS || 5),
  java25: env.JAVA25,
  java17: env.JAVA17 || '',
  targetMs: Number(env.TARGET_MS || 1000),
  retrain: (env.RETRAIN || '0') === '1',
  // other variants than the AOT cache's (bench/native.sh: the jar against the native executable), as
  // JSON [{"name", "artifact", "java"?, "args": []}]; the first one is held to TARGET_MS
  variants: env.FS_VARIANTS ? JSON.parse(env.FS_VARIANTS) : null,
};
for (const k of cfg.variants ? ['work', 'key', 'results', 'jdbcUrl', 'redisUrl'] : ['appDir', 'work', 'key', 'results', 'jdbcUrl', 'redisUrl', 'java25']) {
  if (!cfg[k]) {
    console.error(`faststart.mjs: ${k} is not set; run bench/faststart.sh instead of this file`);
    process.exit(2);
  }
}
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const jar = cfg.appDir && path.join(cfg.appDir, 'quarkus-run.jar');
const aot = cfg.appDir && path.join(cfg.appDir, 'app.aot');
const origin = `http://127.0.0.1:${cfg.port}`;
const log = (...a) => console.error(`[faststart ${new Date().toISOString().slice(11, 19)}]`, ...a);

const serviceEnv = {
  PATH: env.PATH,
  HOME: env.HOME,
  QUARKUS_HTTP_PORT: String(cfg.port),
  QUARKUS_HTTP_HOST: '127.0.0.1',
  QUARKUS_DATASOURCE_JDBC_URL: cfg.jdbcUrl,
  QUARKUS_DATASOURCE_USERNAME: env.PGUSER || 'postgres',
  QUARKUS_REDIS_HOSTS: cfg.redisUrl,
  LATCHKEY_SIGNING_KEY_LOCATION: cfg.key,
  LATCHKEY_ISSUER: origin,
};

// ---- HTTP ------------------------------------------------------------------------------------------
function request(method, urlPath, { body, headers = {} } = {}) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${origin}${urlPath}`, {
      method,
      agent: false, // a new connection each time, like a load balancer's first health check
      headers: data === undefined ? headers : { 'content-type': 'application/json', ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON (metrics, openapi yaml)
        }
        resolve({ status: res.statusCode, json });
      });
    });
    req.on('error', () => resolve({ status: 0, json: null }));
    req.setTimeout(10_000, () => req.destroy());
    if (data !== undefined) {
      req.write(data);
    }
    req.end();
  });
}

// ---- one start -------------------------------------------------------------------------------------
async function start(java, jvmArgs, logName, artifact = jar) {
  const logPath = path.join(cfg.work, logName);
  const fd = openSync(logPath, 'w');
  const t0 = performance.now();
  // cwd = the work dir, so that no config/application.properties of the checkout is picked up
  // tools/run-service.sh, as every script starts the service (it execs the JVM: the child is the service)
  const child = spawn(path.join(repo, 'tools/run-service.sh'), [], {
    cwd: cfg.work,
    env: { ...serviceEnv, LK_ARTIFACT: artifact, LK_JAVA: java, LK_JAVA_OPTS: jvmArgs.join(' '), LK_NATIVE_OPTS: jvmArgs.join(' ') },
    stdio: ['ignore', fd, fd],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${path.basename(artifact)} exited while starting; see ${logPath}:\n${tail(logPath)}`);
    }
    // readiness checks PostgreSQL and Redis: 200 means both connections work
    if ((await request('GET', '/q/health/ready')).status === 200) {
      break;
    }
    if (performance.now() - t0 > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`no ready answer within 120 s; see ${logPath}:\n${tail(logPath)}`);
    }
    await sleep(5);
  }
  const ms = performance.now() - t0;
  const rssKiB = Number((readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/) || [])[1]);
  return { child, exited, ms, rssKiB, logPath };
}

async function stop(s) {
  s.child.kill('SIGTERM');
  const code = await Promise.race([s.exited, sleep(60_000).then(() => 'timeout')]);
  if (code === 'timeout') {
    s.child.kill('SIGKILL');
    throw new Error(`the service did not stop within 60 s of SIGTERM; see ${s.logPath}`);
  }
  return code;
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function quarkusStartedS(logPath) {
  const m = readFileSync(logPath, 'utf8').match(/started in ([\d.]+)s/);
  return m ? Number(m[1]) : null;
}

// ---- the training workload: every endpoint a client uses, so their classes are in the cache ---------
async function train() {
  const expect = (what, r, status) => {
    if (r.status !== status) {
      throw new Error(`training: ${what} answered ${r.status}, expected ${status}`);
    }
    return r.json;
  };
  for (let i = 0; i < 3; i++) {
    const username = `faststart-${Date.now()}-${i}`;
    const password = 'faststart training passphrase';
    expect('register', await request('POST', '/auth/register', { body: { username, password } }), 201);
    expect('wrong password', await request('POST', '/auth/login', { body: { username, password: 'not it at all, no' } }), 401);
    let t = expect('login', await request('POST', '/auth/login', { body: { username, password } }), 200);
    for (let j = 0; j < 5; j++) {
      t = expect('refresh', await request('POST', '/auth/refresh', { body: { refresh_token: t.refresh_token } }), 200);
    }
    const bearer = { authorization: `Bearer ${t.access_token}` };
    expect('me', await request('GET', '/auth/me', { headers: bearer }), 200);
    expect('sessions', await request('GET', '/auth/sessions', { headers: bearer }), 200);
    expect('audit', await request('GET', '/auth/audit', { headers: bearer }), 200);
    expect('bad json', await request('POST', '/auth/refresh', { body: { refresh_token: 42 } }), 400);
    expect('logout', await request('POST', '/auth/logout', { body: { refresh_token: t.refresh_token }, headers: bearer }), 204);
    expect('me after logout', await request('GET', '/auth/me', { headers: bearer }), 401);
    for (const p of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/q/health/live']) {
      expect(p, await request('GET', p), 200);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

function javaVersion(java) {
  if (!java) {
    return 'native executable';
  }
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  return (r.stderr || '').split('\n')[0].trim();
}

// ---- main ------------------------------------------------------------------------------------------
async function main() {
  mkdirSync(cfg.work, { recursive: true });

  // 1. the training run: the JVM writes the AOT cache when it exits (JEP 483/514/515, JDK 25)
  if (cfg.variants) {
    log('variants given (FS_VARIANTS): no AOT cache');
  } else if (cfg.retrain || !existsSync(aot)) {
    rmSync(aot, { force: true });
    log(`training run: ${cfg.java25} -XX:AOTCacheOutput=${path.relative(process.cwd(), aot)} -jar ${path.relative(process.cwd(), jar)}`);
    const s = await start(cfg.java25, [`-XX:AOTCacheOutput=${aot}`], 'faststart-training.log');
    await train();
    const code = await stop(s);
    if (!existsSync(aot)) {
      throw new Error(`the training run (exit ${code}) wrote no AOT cache; see ${s.logPath}:\n${tail(s.logPath)}`);
    }
    log(`AOT cache written: ${(statSync(aot).size / 1048576).toFixed(1)} MiB`);
  } else {
    log(`using the existing AOT cache ${path.relative(process.cwd(), aot)} (RETRAIN=1 makes a new one)`);
  }

  // 2. the measured starts, variants interleaved so that a passing load on the machine hits all alike
  const variants = cfg.variants || [{ name: 'JDK 25 + AOT cache', java: cfg.java25, args: [`-XX:AOTCache=${aot}`, '-XX:AOTMode=on'] },
    { name: 'JDK 25, no cache', java: cfg.java25, args: [] }];
  if (cfg.java17 && !cfg.variants) {
    variants.push({ name: `${cfg.java17 === 'java' ? 'java on PATH' : path.basename(cfg.java17)}, no cache`, java: cfg.java17, args: [] });
  }
  for (const v of variants) {
    v.version = javaVersion(v.java);
    v.samples = [];
  }
  // one unmeasured start of each first: file-system caches warm for all alike
  for (const v of variants) {
    const s = await start(v.java, v.args, 'faststart-service.log', v.artifact);
    await stop(s);
  }
  for (let i = 0; i < cfg.runs; i++) {
    for (const v of variants) {
      const s = await start(v.java, v.args, 'faststart-service.log', v.artifact);
      const sample = { ms: s.ms, quarkusS: quarkusStartedS(s.logPath), rssMiB: s.rssKiB / 1024 };
      // the first request after readiness that touches PostgreSQL and Redis for real
      const t1 = performance.now();
      const jwks = await request('GET', '/.well-known/jwks.json');
      sample.secondRequestMs = performance.now() - t1;
      if (jwks.status !== 200) {
        throw new Error(`jwks answered ${jwks.status} after readiness`);
      }
      v.samples.push(sample);
      await stop(s);
      log(`${v.name}: ready after ${round(s.ms)} ms (Quarkus: started in ${sample.quarkusS} s, RSS ${round(sample.rssMiB)} MiB)`);
    }
  }

  // 3. report
  const rows = variants.map((v) => ({
    variant: v.name,
    java: v.version,
    jvm_args: v.args,
    runs: v.samples.length,
    median_ms: round(median(v.samples.map((s) => s.ms))),
    min_ms: round(Math.min(...v.samples.map((s) => s.ms))),
    max_ms: round(Math.max(...v.samples.map((s) => s.ms))),
    quarkus_started_median_s: round(median(v.samples.map((s) => s.quarkusS ?? NaN)), 3),
    rss_at_ready_median_mib: round(median(v.samples.map((s) => s.rssMiB))),
    samples: v.samples.map((s) => ({ ms: round(s.ms), quarkus_started_s: s.quarkusS, rss_mib: round(s.rssMiB) })),
  }));
  const aotRow = rows[0];
  const pass = aotRow.median_ms < cfg.targetMs;
  const lines = [];
  lines.push(`Latchkey fast start  ${new Date().toISOString()}  ${cfg.runs} starts per variant, ` +
    (cfg.variants ? variants.map((v) => path.relative(process.cwd(), v.artifact)).join(' against ') : `${path.relative(process.cwd(), cfg.appDir)} (aot-jar)`));
  lines.push('time from spawning the process to the first 200 of GET /q/health/ready (PostgreSQL and Redis checked; Flyway validated the schema during start)');
  lines.push('');
  lines.push(`${'variant'.padEnd(24)} ${'median ms'.padStart(9)} ${'min'.padStart(7)} ${'max'.padStart(7)}  ${'Quarkus "started in"'.padStart(20)}  ${'RSS MiB'.padStart(7)}  java`);
  lines.push('-'.repeat(110));
  for (const r of rows) {
    lines.push(`${r.variant.padEnd(24)} ${String(r.median_ms).padStart(9)} ${String(r.min_ms).padStart(7)} ${String(r.max_ms).padStart(7)}  ${(r.quarkus_started_median_s + ' s').padStart(20)}  ${String(r.rss_at_ready_median_mib).padStart(7)}  ${r.java}`);
  }
  lines.push('');
  lines.push(`target: ${pass ? 'PASS' : 'FAIL'}  ${aotRow.variant} ready in under ${cfg.targetMs} ms: median ${aotRow.median_ms} ms`);
  console.log(lines.join('\n'));
  const report = { date: new Date().toISOString(), target_ms: cfg.targetMs, pass, aot_cache_mib: cfg.variants ? null : round(statSync(aot).size / 1048576), rows };
  mkdirSync(path.dirname(cfg.results), { recursive: true });
  writeFileSync(cfg.results, JSON.stringify(report, null, 2));
  log(`wrote ${path.relative(process.cwd(), cfg.results)}`);
  return pass;
}

main().then((pass) => process.exit(pass || env.STRICT !== '1' ? 0 : 1), (e) => {
  console.error(`faststart: ${e.message}`);
  process.exit(1);
});
