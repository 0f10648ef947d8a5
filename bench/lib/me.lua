-- wrk script for GET /auth/me: rotates over a pool of valid access tokens (one per line in the
-- file given after "--"; a second argument, if any, is the path to GET instead of /auth/me, e.g.
-- Keycloak's userinfo endpoint for bench/keycloak.sh), with every request pre-built in init() so that wrk spends no Lua time
-- per request beyond picking the next one. done() prints one JSON line (prefixed with
-- "WRK_JSON ") that bench.mjs parses: counts, errors (wrk counts any status > 399 in
-- errors.status) and latency percentiles in microseconds.

local requests = {}
local index = 0
local thread_no = 0
local threads = {}

function setup(thread)
  thread:set("thread_no", thread_no)
  thread_no = thread_no + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local target = args[2] or "/auth/me"
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if #line > 0 then
      table.insert(requests, wrk.format("GET", target, { ["Authorization"] = "Bearer " .. line }))
    end
  end
  f:close()
  assert(#requests > 0, "no access tokens in " .. path)
  -- threads start at different places of the pool
  index = (thread_no * math.floor(#requests / 2)) % #requests
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
