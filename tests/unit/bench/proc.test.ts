import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainThreadSchedMs, postgresCpuMs, processCpuMs } from '../../../bench/support/proc';

/** Spins until this process has used `ms` more CPU time (by its own count). */
function burn(ms: number): void {
  const started = process.cpuUsage();
  let x = 0;
  const usedMs = (): number => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  while (usedMs() < ms) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

describe.runIf(process.platform === 'linux')('bench/support/proc (Linux /proc readings)', () => {
  it("reads this process's CPU time, which grows with its work", () => {
    const before = processCpuMs(process.pid);
    expect(before).not.toBeNull();
    burn(200);
    // `/proc` counts in 10 ms ticks: 200 ms of work shows as at least 150.
    expect(processCpuMs(process.pid)! - before!).toBeGreaterThanOrEqual(150);
  });

  it("reads the main thread's time on a CPU and waiting for one", () => {
    const before = mainThreadSchedMs();
    // A kernel built without scheduler statistics has no schedstat: then there is no reading at all.
    if (!existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`)) {
      expect(before).toBeNull();
      return;
    }
    expect(before).not.toBeNull();
    burn(100);
    const after = mainThreadSchedMs()!;
    expect(after.onCpu - before!.onCpu).toBeGreaterThanOrEqual(80);
    expect(after.waiting).toBeGreaterThanOrEqual(before!.waiting);
  });

  it('is null for a process or a PostgreSQL cluster that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchline-proc-'));
    try {
      expect(postgresCpuMs(dir)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(processCpuMs(2 ** 22 + 7)).toBeNull();
  });
});
