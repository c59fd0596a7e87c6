import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/connection';
import { EventLog } from '../../../src/core/events/log';
import { DEMO } from '../../support/core-fixture';
import { startCore, type RunningCore } from '../../support/core-process';
import { tempDir } from '../../support/paths';
import { connectCore } from '../../support/ws-client';

const CYCLES = 24;
const IN_FLIGHT = 4;

const temp = tempDir();
afterAll(() => temp.remove());

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('no lost record', () => {
  it(
    `every acknowledged event survives ${CYCLES} SIGKILLs of the core at random moments`,
    { timeout: 240_000 },
    async () => {
      const next = random(20_261_122);
      const acknowledged = new Map<string, number>();
      let sent = 0;
      let lost = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const core: RunningCore = await startCore({ dataDir: temp.dir });
        const client = await connectCore(core.port, core.token);
        if (cycle === 0) {
          const login = await client.call('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
          expect(login.ok).toBe(true);
        }
        // The session survives restarts: the packer is still logged in.
        expect((await client.call('session.current', {})).ok).toBe(true);

        let running = true;
        const writer = async (): Promise<void> => {
          while (running) {
            const code = next() < 0.5 ? 'NW10001' : `UNKNOWN-${sent}`;
            sent++;
            const result = await client.call('scan.submit', { code, source: 'wedge' });
            if (result.ok && result.value.eventId !== null && result.value.seq !== null) {
              acknowledged.set(result.value.eventId, result.value.seq);
            } else if (!result.ok) {
              if (result.error.code !== 'CORE_UNAVAILABLE') throw new Error(`unexpected ${result.error.code}`);
              lost++;
              return;
            }
          }
        };
        const writers = Array.from({ length: IN_FLIGHT }, () => writer());
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(next() * 280)));
        await core.kill();
        running = false;
        await Promise.all(writers);
        await client.closed;
      }

      const db = openDatabase(`${temp.dir}/station.db`);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = db.prepare<[], { id: string; seq: number }>('SELECT id, seq FROM events ORDER BY seq').all();
        const stored = new Map(rows.map((row) => [row.id, row.seq]));
        const missing = [...acknowledged].filter(([id, seq]) => stored.get(id) !== seq);
        expect(missing).toEqual([]);
        // seq runs 1..N without a gap.
        expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
        const station = db.prepare<[], { id: string }>('SELECT id FROM station').get()!;
        expect(new EventLog(db, station.id).verify()).toMatchObject({ ok: true, checked: rows.length });
        expect(acknowledged.size).toBeGreaterThan(CYCLES * 5);
        console.log(
          `no-lost-record: ${CYCLES} kills, ${sent} scans sent, ${acknowledged.size} acknowledged, ${lost} cut by a kill, ${rows.length} events stored`,
        );
      } finally {
        db.close();
      }
    },
  );
});
