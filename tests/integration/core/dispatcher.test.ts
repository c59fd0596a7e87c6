import { afterEach, describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES, type MethodName } from '#shared/contract/index';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { VALID } from '../../support/valid-inputs';
import { eventTypes, inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

describe('the dispatcher', () => {
  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    fixture = openCore();
    expect(await fixture.core.call('station.explode', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it('asks for a login before any operator method', async () => {
    fixture = openCore();
    for (const method of METHOD_NAMES.filter((m) => contract[m].access !== 'public')) {
      const result = await fixture.core.call(method, validInputFor(method));
      expect({ method, result }).toMatchObject({ method, result: { ok: false, error: { code: 'UNAUTHENTICATED' } } });
    }
  });

  it('refuses a packer a supervisor-only method, records only the refusal, and tells the window', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    const result = await fixture.call('settings.update', { idleLockSeconds: 5 });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', details: { method: 'settings.update', role: 'packer', allowed: ['supervisor'] } },
    });
    // Nothing changed but the record of the refusal.
    expect((await fixture.ok('settings.get', {})).idleLockSeconds).toBe(600);
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db)).toEqual(['session.login', 'security.call_refused']);
    const refusal = db
      .prepare<[], { operator_id: string; payload: string }>(
        "SELECT operator_id, payload FROM events WHERE type = 'security.call_refused'",
      )
      .get()!;
    expect(refusal.operator_id).toBe(DEMO.packer.id);
    expect(JSON.parse(refusal.payload)).toEqual({ method: 'settings.update', role: 'packer', allowed: ['supervisor'] });
    db.close();
    const refusedEvents = fixture.frames.filter((f) => f.t === 'event' && f.name === 'call.refused');
    expect(refusedEvents).toHaveLength(1);
  });

  it('lets each role call exactly what the contract allows it', async () => {
    fixture = openCore();
    for (const who of [DEMO.packer, DEMO.qc, DEMO.returns, DEMO.supervisor]) {
      const session = await fixture.ok('auth.login', { badge: who.badge, pin: who.pin });
      const role = session.operator!.role;
      for (const method of METHOD_NAMES) {
        if (method.startsWith('auth.') || method.startsWith('session.') || method === 'scan.submit') continue;
        const access = contract[method].access;
        const allowed = access === 'public' || access === 'operator' || access.includes(role);
        const result = await fixture.core.call(method, validInputFor(method), 'c1');
        const refused = !result.ok && result.error.code === 'FORBIDDEN';
        expect({ role, method, refused }).toEqual({ role, method, refused: !allowed });
      }
    }
  });

  it('refuses malformed input before anything runs, and writes nothing', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const before = (await fixture.ok('events.list', { limit: 1 })).total;
    for (const input of [null, 'x', 42, [], { idleLockSeconds: 'soon' }, { idleLockSeconds: 1 }, { extra: true }]) {
      const result = await fixture.core.call('settings.update', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    }
    expect((await fixture.ok('events.list', { limit: 1 })).total).toBe(before);
  });

  it('answers every call with an error from a core whose database is from the future', async () => {
    const { tempDir } = await import('../../support/paths');
    const temp = tempDir();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(`${temp.dir}/station.db`);
    raw.pragma('user_version = 9990');
    raw.close();
    fixture = openCore({ dataDir: temp.dir });
    const status = await fixture.ok('app.status', {});
    expect(status.state).toBe('error');
    expect(status.error).toMatchObject({ code: 'DB_FROM_FUTURE' });
    expect(status.error?.message).toMatch(/newer Benchline/);
    expect(await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin })).toMatchObject({
      ok: false,
      error: { code: 'DB_FROM_FUTURE' },
    });
    temp.remove();
  });
});

/** A valid input for each method, so only the role decides the outcome. */
function validInputFor(method: MethodName): unknown {
  return VALID[method];
}
