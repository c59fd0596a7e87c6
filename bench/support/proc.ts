import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a benchmark's CPU time went, read from Linux's `/proc`: which process used the shared
 * cores, and how long a thread waited for one. Elsewhere (no `/proc`) every reading is null and
 * the benchmark leaves those figures out.
 */

/** `/proc` counts process CPU time in clock ticks of 1/100 s (USER_HZ, fixed at 100 on Linux). */
const TICK_MS = 10;

/** The fields of `/proc/<pid>/stat` after the command name, which may hold spaces. */
function statFields(path: string): string[] | null {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * A process's CPU time so far in ms, all its threads; with `reaped`, also that of its children it
 * has waited for (a PostgreSQL server's exited backends and autovacuum workers).
 */
export function processCpuMs(pid: number, reaped = false): number | null {
  const f = statFields(`/proc/${pid}/stat`);
  if (!f) return null;
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  const own = Number(f[11]) + Number(f[12]);
  return (reaped ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
}

/**
 * The CPU time so far, in ms, of a PostgreSQL cluster: its server process, the children it has
 * reaped, and the children still running (backends, background workers). Null without `/proc`
 * or once the server is gone.
 */
export function postgresCpuMs(dataDir: string): number | null {
  let server: number;
  try {
    server = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  const own = processCpuMs(server, true);
  if (own === null) return null;
  let total = own;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(`/proc/${entry}/stat`);
    if (f && Number(f[1]) === server) total += (Number(f[11]) + Number(f[12])) * TICK_MS;
  }
  return total;
}

/**
 * The calling process's main thread so far: ms on a CPU and ms runnable but waiting for one
 * (`/proc/<pid>/task/<pid>/schedstat`, in ns; needs a kernel with scheduler statistics).
 */
export function mainThreadSchedMs(): { onCpu: number; waiting: number } | null {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8')
      .trim()
      .split(' ')
      .map(Number);
    if (!Number.isFinite(onCpu) || !Number.isFinite(waiting)) return null;
    return { onCpu: onCpu! / 1e6, waiting: waiting! / 1e6 };
  } catch {
    return null;
  }
}
