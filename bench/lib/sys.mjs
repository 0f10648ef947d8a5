// Reading the machine: CPU time of the whole machine, of the service and of this load
// generator (and the children it has reaped, i.e. wrk), and a process's memory. Linux /proc only.

import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // 100 on every Linux we know
}

/** [busy, total] ticks of the whole machine since boot. */
function machineTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
  const busy = user + nice + system + irq + softirq + (steal || 0);
  return [busy, busy + idle + (iowait || 0)];
}

/** utime + stime, and cutime + cstime (reaped children), of a process, in ticks; null if it is gone. */
function procTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17
    return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

let dbName = null;

/** Which database's PostgreSQL backends count as "pg" in the CPU accounting. */
export function setBenchDatabase(name) {
  dbName = name;
}

/**
 * CPU ticks of the PostgreSQL backends serving the bench database (their process title is
 * "postgres: 15/main: <user> <database> <address> ...") and of redis-server, per pid.
 */
function helperTicks() {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    let cls = null;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm === 'redis-server') {
        cls = 'redis';
      } else if (comm === 'postgres' && dbName) {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (title.startsWith('postgres:') && title.includes(` ${dbName} `)) {
          cls = 'pg';
        }
      }
    } catch {
      continue;
    }
    if (cls) {
      const t = procTicks(pid);
      if (t) {
        out.set(pid, { cls, ticks: t.self });
      }
    }
  }
  return out;
}

/** A snapshot to diff with {@link cpuSince}. */
export function cpuSnapshot(servicePid) {
  const helpers = helperTicks();
  const [busy, total] = machineTicks();
  const svc = servicePid ? procTicks(servicePid) : null;
  const me = procTicks(process.pid);
  return { at: performance.now(), busy, total, svc: svc ? svc.self : 0, me: me.self, kids: me.children, helpers };
}

/**
 * CPU used between a snapshot and now, in cores (1.0 = one core busy the whole time): the
 * machine, the service, the load generator (this process plus the children it reaped in between,
 * i.e. wrk), the PostgreSQL backends of the bench database, redis-server (shared with anything
 * else using that Redis), and everything else ("other": the kernel's share not charged to a
 * process, PostgreSQL's shared background processes, and whatever else runs on the machine).
 */
export function cpuSince(start, servicePid) {
  const end = cpuSnapshot(servicePid);
  const seconds = (end.at - start.at) / 1000;
  const cores = (ticks) => Math.round((ticks / clkTck / seconds) * 100) / 100;
  const machine = cores(end.busy - start.busy);
  const service = cores(end.svc - start.svc);
  const loadgen = cores(end.me - start.me + end.kids - start.kids);
  const helper = { pg: 0, redis: 0 };
  for (const [pid, h] of end.helpers) {
    const before = start.helpers.get(pid);
    helper[h.cls] += h.ticks - (before ? before.ticks : 0);
  }
  const pg = cores(helper.pg);
  const redis = cores(helper.redis);
  const rest = Math.round((machine - service - loadgen - pg - redis) * 100) / 100;
  return { machine, service, loadgen, pg, redis, other: rest };
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name) => {
    const m = status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  };
  return { rss_mib: kib('VmRSS'), hwm_mib: kib('VmHWM') };
}

export function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

export function cpuModel() {
  const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
  return m ? m[1] : 'unknown';
}
