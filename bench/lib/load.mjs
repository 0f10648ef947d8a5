// A closed-loop load generator: N virtual users, each sending one request at a time and the next
// as soon as the previous answers. Cheap per request (undici, keep-alive, one connection per VU),
// so that it leaves as much of the 2 cores as possible to the service.

import { Pool } from 'undici';

/**
 * One HTTP request; resolves to {status, body} (body parsed as JSON when there is one), never
 * rejects. The body is {@code json} (application/json) or {@code form}, an object sent as
 * application/x-www-form-urlencoded (OAuth 2.0's token endpoint, e.g. Keycloak's).
 */
export async function call(pool, method, path, { json, form, bearer } = {}) {
  const headers = {};
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  if (bearer) {
    headers.authorization = `Bearer ${bearer}`;
  }
  try {
    const res = await pool.request({ method, path, headers, body });
    const text = await res.body.text();
    let parsed = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.statusCode, body: parsed };
  } catch (e) {
    return { status: 0, body: null, error: e.code || e.message };
  }
}

export function newPool(origin, connections) {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

/**
 * Runs {@code concurrency} VUs for {@code durationMs} (or until {@code step} returns null for
 * every VU: no more work). {@code step(vu)} sends one request and returns {ok, status, detail,
 * stop}; it is timed from just before the call to just after the body was read.
 * <p>
 * A VU sends no new request after the deadline; the requests in flight then are waited for and
 * counted, and the elapsed time runs to the last answer, so throughput = requests / elapsed.
 */
export async function closedLoop({ concurrency, durationMs, step, record = true }) {
  const latencies = [];
  let requests = 0;
  let errors = 0;
  const errorSamples = [];
  const start = performance.now();
  const deadline = start + durationMs;
  let last = start;

  async function vu(index) {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= deadline) {
        return;
      }
      const r = await step(index);
      if (r === null) {
        return;
      }
      const t1 = performance.now();
      last = Math.max(last, t1);
      requests++;
      if (record) {
        latencies.push(t1 - t0);
      }
      if (!r.ok) {
        errors++;
        if (errorSamples.length < 5) {
          errorSamples.push({ status: r.status, detail: r.detail });
        }
      }
      if (r.stop) {
        return;
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, (_, i) => vu(i)));
  const elapsedMs = Math.max(last - start, 1);
  return { requests, errors, errorSamples, elapsedMs, latencies };
}

/** The p-th percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(run) {
  const sorted = Float64Array.from(run.latencies).sort();
  const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return {
    requests: run.requests,
    seconds: Math.round(run.elapsedMs) / 1000,
    rps: Math.round((run.requests / (run.elapsedMs / 1000)) * 10) / 10,
    p50_ms: round(percentile(sorted, 50)),
    p90_ms: round(percentile(sorted, 90)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.length ? sorted[sorted.length - 1] : null),
    errors: run.errors,
    error_samples: run.errorSamples,
  };
}
