// Two Latchkey instances behind HAProxy (round robin, no stickiness): every piece of state lives
// in PostgreSQL or Redis, so any instance serves any request. Then two instances whose clocks are
// 15 s apart (one under faketime) that agree on every answer, and a key rotation across both
// instances, rolling one at a time, that logs nobody out.
//
// Run twice by scaleout/run.sh: against one Redis server, and against a 3-master Redis Cluster
// (LK_SCALEOUT_REDIS_CLUSTER=1: the cross-instance flows only). run.sh provides the jar, the keys,
// the database, the Redis servers and the ports.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';

const env = process.env;
const JAR = env.LK_SCALEOUT_JAR;
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const RUN = env.LK_SCALEOUT_RUN_DIR;
const LB = Number(env.LK_SCALEOUT_LB_PORT);
const PORTS = { one: Number(env.LK_SCALEOUT_PORT_ONE), two: Number(env.LK_SCALEOUT_PORT_TWO) };
const ISSUER = `http://localhost:${LB}`; // the public URL, the same for every instance
const GRACE_SECONDS = 4; // short, so the reuse tests wait little; long enough for a just-started JVM on a busy machine
const CLUSTER = env.LK_SCALEOUT_REDIS_CLUSTER === '1';
const KEY_A = path.join(RUN, 'key-a.pem');
const KEY_A_PUB = path.join(RUN, 'key-a.pub.pem');
const KEY_B = path.join(RUN, 'key-b.pem');
const KEY_B_PUB = path.join(RUN, 'key-b.pub.pem');

const instances = {};
let haproxy;

// ---- processes ---------------------------------------------------------------------------

function serviceEnv(port, keys) {
  return {
    ...env,
    QUARKUS_HTTP_PORT: String(port),
    QUARKUS_DATASOURCE_JDBC_URL: `jdbc:postgresql://127.0.0.1:5432/${env.LK_SCALEOUT_DB}`,
    QUARKUS_DATASOURCE_USERNAME: 'postgres',
    QUARKUS_REDIS_HOSTS: env.LK_SCALEOUT_REDIS,
    ...(CLUSTER ? { QUARKUS_REDIS_CLIENT_TYPE: 'cluster' } : {}),
    QUARKUS_SHUTDOWN_TIMEOUT: '5s',
    LATCHKEY_ISSUER: ISSUER,
    LATCHKEY_REFRESH_GRACE: `${GRACE_SECONDS}s`,
    LATCHKEY_REGISTRATION_MAX_PER_ADDRESS: '100000',
    LATCHKEY_LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
    LATCHKEY_PURGE_INTERVAL: 'off',
    LATCHKEY_SIGNING_KEY_LOCATION: keys.signing,
    LATCHKEY_VERIFICATION_KEYS_LOCATION: (keys.verification ?? []).join(','),
  };
}

async function startInstance(name, keys, faketime) {
  const port = PORTS[name];
  // readiness must come from the process started here, not from one that still holds the port
  if (await fetch(`http://localhost:${port}/q/health/live`).then(() => true, () => false)) {
    throw new Error(`port ${port} of instance ${name} is still in use`);
  }
  const log = fs.openSync(path.join(RUN, `${name}.log`), 'a');
  // tools/run-service.sh, as every script starts the service (it execs the JVM: the child is the service)
  const proc = spawn(path.join(REPO, 'tools/run-service.sh'), [], {
    env: { ...serviceEnv(port, keys), LK_ARTIFACT: JAR, ...(faketime ? { LK_FAKETIME: faketime } : {}) },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  instances[name] = { name, port, proc, exited, keys };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      // the log's end, so that a CI run that keeps no files still shows why
      const tail = fs.readFileSync(path.join(RUN, `${name}.log`), 'utf8').split('\n').slice(-60).join('\n');
      throw new Error(`instance ${name} exited (code ${proc.exitCode}); the end of scaleout/.run/${name}.log:\n${tail}`);
    }
    try {
      const r = await fetch(`http://localhost:${port}/q/health/ready`);
      if (r.status === 200) return instances[name];
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  throw new Error(`instance ${name} did not become ready`);
}

async function stopInstance(name) {
  const instance = instances[name];
  if (!instance || instance.proc.exitCode !== null) return;
  instance.proc.kill('SIGTERM');
  const timeout = sleep(20_000).then(() => instance.proc.kill('SIGKILL'));
  await Promise.race([instance.exited, timeout]);
  await instance.exited;
}

/** Restarts one instance with other keys (or another clock), as a rolling deployment would. */
async function restart(name, keys, faketime) {
  await stopInstance(name);
  await startInstance(name, keys, faketime);
  await waitUntilBalancerSees(name);
}

async function startHaproxy() {
  const cfg = path.join(RUN, 'haproxy.cfg');
  fs.writeFileSync(cfg, `global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch 1
    timeout check 2s
    retry-on all-retryable-errors
frontend latchkey
    bind 127.0.0.1:${LB}
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /q/health/ready
    http-response set-header X-Served-By %s
    server one 127.0.0.1:${PORTS.one} check inter 500ms fall 2 rise 1
    server two 127.0.0.1:${PORTS.two} check inter 500ms fall 2 rise 1
`);
  const log = fs.openSync(path.join(RUN, 'haproxy.log'), 'a');
  haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', log, log] });
  for (let i = 0; i < 100; i++) {
    if (haproxy.exitCode !== null) throw new Error('haproxy exited; see scaleout/.run/haproxy.log');
    try {
      await fetch(`${ISSUER}/q/health/live`);
      return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error('haproxy did not start');
}

/** Waits until a round of requests through the balancer reaches this instance again. */
async function waitUntilBalancerSees(name) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const r = await fetch(`${ISSUER}/q/health/live`);
    if (r.headers.get('x-served-by') === name) return;
    await sleep(100);
  }
  throw new Error(`the balancer never routed to ${name}`);
}

// ---- HTTP helpers -------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const base = (where) => (where === 'lb' ? ISSUER : `http://localhost:${PORTS[where]}`);

async function post(where, p, body, headers = {}) {
  const r = await fetch(base(where) + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer(r);
}

async function get(where, p, token) {
  const r = await fetch(base(where) + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return answer(r);
}

/** Status, JSON body (or the raw text of a non-JSON answer, such as a balancer error page) and instance. */
async function answer(r) {
  const text = await r.text();
  const json = (r.headers.get('content-type') ?? '').includes('json');
  return { status: r.status, body: json && text ? JSON.parse(text) : text || null, servedBy: r.headers.get('x-served-by') };
}

let counter = 0;
async function newUser(where = 'lb') {
  const username = `scale-${Date.now().toString(36)}-${++counter}`;
  const password = 'scale-out passphrase 2026';
  const r = await post(where, '/auth/register', { username, password });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { username, password };
}

async function login(where, user) {
  const r = await post(where, '/auth/login', user);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

const refresh = (where, token) => post(where, '/auth/refresh', { refresh_token: token });
const me = (where, token) => get(where, '/auth/me', token);
const kidOf = (jwt) => jose.decodeProtectedHeader(jwt).kid;

async function thumbprint(pemFile) {
  const key = await jose.importSPKI(fs.readFileSync(pemFile, 'utf8'), 'RS256', { extractable: true });
  return jose.calculateJwkThumbprint(await jose.exportJWK(key));
}

async function jwksKids(where) {
  const r = await get(where, '/.well-known/jwks.json');
  assert.equal(r.status, 200);
  return r.body.keys.map((k) => k.kid);
}

// ---- the tests ------------------------------------------------------------------------------

describe(`two instances behind HAProxy, ${CLUSTER ? 'on a Redis Cluster' : 'on one Redis server'}`, () => {
  before(async () => {
    await Promise.all([
      startInstance('one', { signing: KEY_A }),
      startInstance('two', { signing: KEY_A }),
    ]);
    await startHaproxy();
    await waitUntilBalancerSees('one');
    await waitUntilBalancerSees('two');
  });

  after(async () => {
    if (haproxy && haproxy.exitCode === null) haproxy.kill('SIGTERM');
    await Promise.all([stopInstance('one'), stopInstance('two')]);
  });

  test('the balancer spreads requests over both instances, with no stickiness', async () => {
    const servedBy = [];
    for (let i = 0; i < 10; i++) servedBy.push((await get('lb', '/.well-known/jwks.json')).servedBy);
    assert.ok(servedBy.includes('one') && servedBy.includes('two'), servedBy.join(','));
    const switches = servedBy.slice(1).filter((s, i) => s !== servedBy[i]).length;
    assert.ok(switches >= 8, `round robin alternates: ${servedBy.join(',')}`);
  });

  test('a refresh token issued by one instance rotates on the other', async () => {
    const session = await login('one', await newUser('one'));
    const rotated = await refresh('two', session.refresh_token);
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.session_id, session.session_id);
    assert.equal((await me('one', rotated.body.access_token)).status, 200);
    const again = await refresh('one', rotated.body.refresh_token);
    assert.equal(again.status, 200);
    assert.notEqual(again.body.refresh_token, rotated.body.refresh_token);
  });

  test('a logout on one instance is honoured by the other at once', async () => {
    const user = await newUser();
    const session = await login('one', user);
    assert.equal((await me('two', session.access_token)).status, 200);
    const logout = await post('two', '/auth/logout', { refresh_token: session.refresh_token });
    assert.equal(logout.status, 204);
    // no waiting: the very next request, on the other instance
    assert.equal((await me('one', session.access_token)).status, 401);
    assert.equal((await refresh('one', session.refresh_token)).status, 401);
  });

  test('concurrent refreshes of one family spread over both instances obey rotation and grace', async () => {
    const session = await login('lb', await newUser());
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refresh(i % 2 === 0 ? 'one' : 'two', session.refresh_token)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    const successors = new Set(answers.map((a) => a.body.refresh_token));
    assert.equal(successors.size, 1, 'every instance handed out the same successor');
    const successor = [...successors][0];
    // the family is intact, on either instance
    assert.equal((await refresh('two', successor)).status, 200);
  });

  test('reuse detected on one instance kills the access tokens checked on the other', async () => {
    const first = await login('one', await newUser());
    const second = await refresh('one', first.refresh_token);
    assert.equal(second.status, 200);
    await sleep((GRACE_SECONDS + 1) * 1000);

    const reused = await refresh('one', first.refresh_token);
    assert.equal(reused.status, 401);
    assert.equal(reused.body.error, 'invalid_grant');
    assert.equal((await me('two', second.body.access_token)).status, 401);
    assert.equal((await me('two', first.access_token)).status, 401);
    assert.equal((await refresh('two', second.body.refresh_token)).status, 401);
  });

  test('a whole session through the balancer works whichever instance answers', async () => {
    const seen = new Set();
    const user = await newUser('lb');
    let session = (await post('lb', '/auth/login', user)).body;
    for (let i = 0; i < 4; i++) {
      const r = await refresh('lb', session.refresh_token);
      assert.equal(r.status, 200);
      seen.add(r.servedBy);
      session = r.body;
      const who = await me('lb', session.access_token);
      assert.equal(who.status, 200);
      assert.equal(who.body.username, user.username);
      seen.add(who.servedBy);
    }
    const sessions = await get('lb', '/auth/sessions', session.access_token);
    assert.equal(sessions.status, 200);
    assert.equal(sessions.body.length, 1);
    assert.equal((await post('lb', '/auth/logout', { refresh_token: session.refresh_token })).status, 204);
    assert.equal((await me('lb', session.access_token)).status, 401);
    assert.equal((await me('lb', session.access_token)).status, 401);
    assert.deepEqual([...seen].sort(), ['one', 'two']);
  });

  test('failed logins on one instance count on the other: throttling is shared', async () => {
    const user = await newUser();
    for (let i = 0; i < 5; i++) {
      const r = await post(i % 2 === 0 ? 'one' : 'two', '/auth/login', { ...user, password: `wrong ${i}` });
      assert.equal(r.status, 401);
    }
    for (const where of ['one', 'two']) {
      const r = await post(where, '/auth/login', user); // even the right password, past the limit
      assert.equal(r.status, 429, `${where}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'slow_down');
    }
  });

  test('instances whose clocks are 15 s apart agree: grace, reuse, logout-all', { skip: CLUSTER }, async () => {
    await restart('two', { signing: KEY_A }, '+15s');
    try {
      // a just-started JVM answers its first requests slowly: warm this one up first
      const warm = await login('two', await newUser('two'));
      for (let i = 0, t = warm; i < 5; i++) t = (await refresh('two', t.refresh_token)).body;
      assert.equal((await me('two', warm.access_token)).status, 200);
      // the skew is real: the log's timestamps come from the JVM's own wall clock (the service's
      // decisions do not: they use PostgreSQL's clock), and the last line was just written
      await newUser('two');
      const now = Date.now();
      const stamps = fs.readFileSync(path.join(RUN, 'two.log'), 'utf8')
        .match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}/gm);
      const ahead = (Date.parse(stamps.at(-1).replace(' ', 'T').replace(',', '.') + 'Z') - now) / 1000;
      assert.ok(ahead >= 12 && ahead <= 17, `instance two's clock is ${ahead} s ahead, not 15`);

      // a retry of a refresh, landing on the instance 15 s ahead, gets the same successor (grace)
      const session = await login('one', await newUser());
      const first = await refresh('one', session.refresh_token);
      const retry = await refresh('two', session.refresh_token);
      assert.equal(first.status, 200);
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal(retry.body.refresh_token, first.body.refresh_token, 'the same successor: not taken for reuse');
      assert.equal((await me('two', retry.body.access_token)).status, 200);
      assert.equal((await refresh('two', first.body.refresh_token)).status, 200, 'the session lives');

      // a login right after logout-all on the other instance works at once, on both
      const user = await newUser();
      const old = await login('two', user);
      assert.equal((await post('one', '/auth/logout-all', undefined, { authorization: `Bearer ${old.access_token}` })).status, 204);
      const fresh = await login('two', user);
      for (const where of ['one', 'two']) {
        assert.equal((await me(where, fresh.access_token)).status, 200, `fresh token on ${where}`);
        assert.equal((await me(where, old.access_token)).status, 401, `old token on ${where}`);
      }

      // and reuse is still reuse, whichever instance sees it
      const reused = await login('two', await newUser());
      const rotated = await refresh('two', reused.refresh_token);
      await sleep((GRACE_SECONDS + 1) * 1000);
      assert.equal((await refresh('one', reused.refresh_token)).status, 401);
      assert.equal((await me('two', rotated.body.access_token)).status, 401);
    } finally {
      await restart('two', { signing: KEY_A });
    }
  });

  test('key rotation across both instances logs nobody out', { skip: CLUSTER }, async () => {
    const kidA = await thumbprint(KEY_A_PUB);
    const kidB = await thumbprint(KEY_B_PUB);
    const user = await newUser();
    const before = await login('lb', user);
    assert.equal(kidOf(before.access_token), kidA);

    // traffic keeps flowing through the balancer during every rolling restart: no errors allowed
    let failures = 0;
    let requests = 0;
    const failed = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const r = await me('lb', before.access_token).catch((e) => ({ status: 0, error: String(e.cause ?? e) }));
        requests++;
        if (r.status !== 200) {
          failures++;
          failed.push(`${r.status} ${r.servedBy ?? ''} ${JSON.stringify(r.body ?? r.error ?? '')}`);
        }
        await sleep(20);
      }
    })();

    // 1. every instance learns the new public key as a verification key (still signing with A)
    await restart('one', { signing: KEY_A, verification: [KEY_B_PUB] });
    await restart('two', { signing: KEY_A, verification: [KEY_B_PUB] });
    assert.deepEqual(await jwksKids('one'), [kidA, kidB]);
    assert.deepEqual(await jwksKids('two'), [kidA, kidB]);

    // 2. switch the signing key, one instance at a time; A stays a verification key
    await restart('one', { signing: KEY_B, verification: [KEY_A_PUB] });
    const fromOne = await login('one', user);
    const fromTwo = await login('two', user);
    assert.equal(kidOf(fromOne.access_token), kidB, 'the switched instance signs with B');
    assert.equal(kidOf(fromTwo.access_token), kidA, 'the other still signs with A');
    for (const where of ['one', 'two']) {
      assert.equal((await me(where, fromOne.access_token)).status, 200, `B token on ${where} mid-rollout`);
      assert.equal((await me(where, fromTwo.access_token)).status, 200, `A token on ${where} mid-rollout`);
    }
    assert.deepEqual(new Set(await jwksKids('one')), new Set([kidA, kidB]), 'the JWKS shows both during the overlap');
    await restart('two', { signing: KEY_B, verification: [KEY_A_PUB] });

    // tokens signed by the old key keep verifying until it is retired, and a resource server
    // using the JWKS (jose here) sees both keys
    const jwks = jose.createRemoteJWKSet(new URL(`${ISSUER}/.well-known/jwks.json`));
    await jose.jwtVerify(before.access_token, jwks, { issuer: ISSUER, audience: 'latchkey', typ: 'at+jwt' });
    const rotated = await refresh('lb', before.refresh_token);
    assert.equal(rotated.status, 200, 'a refresh token from before the rotation still works');
    assert.equal(kidOf(rotated.body.access_token), kidB);
    await jose.jwtVerify(rotated.body.access_token, jwks, { issuer: ISSUER, audience: 'latchkey', typ: 'at+jwt' });

    stop = true;
    await traffic;
    assert.equal(failures, 0, `${failures} of ${requests} requests failed during the rolling restarts: ${failed.join('; ')}`);
    assert.ok(requests > 20, `traffic flowed during the rotation (${requests} requests)`);

    // 3. after the access-token lifetime, retire A: only B remains
    await restart('one', { signing: KEY_B });
    await restart('two', { signing: KEY_B });
    assert.deepEqual(await jwksKids('one'), [kidB]);
    assert.deepEqual(await jwksKids('two'), [kidB]);
    assert.equal((await me('one', before.access_token)).status, 401, 'A-signed tokens die with A');
    assert.equal((await me('two', fromTwo.access_token)).status, 401);
    assert.equal((await me('two', rotated.body.access_token)).status, 200);
    const later = await refresh('two', rotated.body.refresh_token);
    assert.equal(later.status, 200, 'the session that started before the rotation is still alive');
  });
});
