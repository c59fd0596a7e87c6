import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { eventTypes, inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

describe('operators and the station session', () => {
  it('logs in with badge and PIN, and records the login', async () => {
    fixture = openCore();
    const session = await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    expect(session.operator).toMatchObject({ id: DEMO.packer.id, role: 'packer' });
    expect(session.benches).toEqual(['pack', 'sync']);
    expect(session.locked).toBe(false);
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db)).toEqual(['session.login']);
    db.close();
  });

  it('refuses an unknown badge without recording anyone', async () => {
    fixture = openCore();
    const result = await fixture.call('auth.login', { badge: 'BADGE-X-9999', pin: '1234' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_BADGE' } });
    expect(await fixture.ok('events.list', { limit: 10 }).catch((e: Error) => e.message)).toMatch(/UNAUTHENTICATED/);
  });

  it('locks a badge for five minutes after five wrong PINs, and records each failure', async () => {
    fixture = openCore();
    const attempts = [];
    for (let i = 0; i < 5; i++)
      attempts.push(await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: '9999' }));
    expect(attempts.slice(0, 4).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'WRONG_PIN',
      'WRONG_PIN',
      'WRONG_PIN',
      'WRONG_PIN',
    ]);
    expect(attempts.slice(0, 4).map((r) => (r.ok ? null : r.error.details?.attemptsLeft))).toEqual([4, 3, 2, 1]);
    expect(attempts[4]).toMatchObject({ ok: false, error: { code: 'BADGE_LOCKED' } });

    // Even the right PIN is refused while the badge is locked…
    fixture.clock.advance(4 * 60_000 + 59_000);
    expect(await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin })).toMatchObject({
      ok: false,
      error: { code: 'BADGE_LOCKED' },
    });
    // …other badges are not affected…
    expect((await fixture.call('auth.login', { badge: DEMO.qc.badge, pin: DEMO.qc.pin })).ok).toBe(true);
    await fixture.ok('auth.logout', {});
    // …and after five minutes the badge works again, with a fresh count.
    fixture.clock.advance(2_000);
    expect((await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin })).ok).toBe(true);

    const db = inspectStation(fixture.dataDir);
    const types = eventTypes(db);
    expect(types.filter((t) => t === 'auth.pin_failed')).toHaveLength(5);
    expect(types.filter((t) => t === 'auth.badge_locked')).toHaveLength(1);
    db.close();
  });

  it('keeps the lockout across a restart of the core', async () => {
    fixture = openCore();
    for (let i = 0; i < 5; i++) await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: '0000' });
    fixture = fixture.reopen();
    expect(await fixture.call('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin })).toMatchObject({
      ok: false,
      error: { code: 'BADGE_LOCKED' },
    });
  });

  it('locks itself after the idle time, and unlocks with the PIN', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    await fixture.ok('settings.update', { idleLockSeconds: 60 });
    fixture.clock.advance(59_000);
    fixture.core.tick();
    expect((await fixture.ok('session.current', {})).locked).toBe(false);
    fixture.clock.advance(1_000);
    fixture.core.tick();
    const locked = await fixture.ok('session.current', {});
    expect(locked.locked).toBe(true);
    expect(locked.benches).toEqual([]);
    // While locked, only what the lock screen needs is allowed.
    expect(await fixture.call('operators.list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await fixture.call('session.unlock', { pin: '0000' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PIN' },
    });
    const unlocked = await fixture.ok('session.unlock', { pin: DEMO.supervisor.pin });
    expect(unlocked.locked).toBe(false);
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db)).toEqual([
      'session.login',
      'settings.changed',
      'session.locked',
      'auth.pin_failed',
      'session.unlocked',
    ]);
    const lock = db.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'session.locked'").get();
    expect(JSON.parse(lock!.payload)).toEqual({ reason: 'idle' });
    db.close();
  });

  it('counts calls as activity, so a working operator is not locked out', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    for (let i = 0; i < 5; i++) {
      fixture.clock.advance(500_000);
      await fixture.ok('scan.submit', { code: 'NW10001', source: 'wedge' });
      fixture.core.tick();
    }
    expect((await fixture.ok('session.current', {})).locked).toBe(false);
  });

  it('keeps the session across a restart, and locks at once if the idle time passed meanwhile', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    fixture = fixture.reopen();
    expect((await fixture.ok('session.current', {})).operator?.id).toBe(DEMO.packer.id);
    fixture.clock.advance(11 * 60_000);
    fixture = fixture.reopen();
    expect((await fixture.ok('session.current', {})).locked).toBe(true);
  });

  it('lets another operator take a locked station: the old session ends, both recorded', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    await fixture.ok('session.lock', {});
    const session = await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    expect(session.operator?.id).toBe(DEMO.returns.id);
    const db = inspectStation(fixture.dataDir);
    const rows = db
      .prepare<[], { type: string; operator_id: string; payload: string }>(
        'SELECT type, operator_id, payload FROM events ORDER BY seq',
      )
      .all();
    expect(rows.map((r) => [r.type, r.operator_id])).toEqual([
      ['session.login', DEMO.packer.id],
      ['session.locked', DEMO.packer.id],
      ['session.logout', DEMO.packer.id],
      ['session.login', DEMO.returns.id],
    ]);
    expect(JSON.parse(rows[2]!.payload)).toMatchObject({ reason: 'replaced', by: DEMO.returns.id });
    db.close();
  });

  it('keeps the bench the operator is at across a restart, and refuses a bench the role may not open', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin });
    expect((await fixture.ok('session.bench', { bench: 'pack' })).bench).toBe('pack');
    expect(await fixture.call('session.bench', { bench: 'review' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    fixture = fixture.reopen();
    expect((await fixture.ok('session.current', {})).bench).toBe('pack');
    // A new login starts at the bench chooser.
    await fixture.ok('auth.logout', {});
    expect((await fixture.ok('auth.login', { badge: DEMO.packer.badge, pin: DEMO.packer.pin })).bench).toBeNull();
    const db = inspectStation(fixture.dataDir);
    expect(eventTypes(db)).toContain('security.bench_refused');
    db.close();
  });

  it('stores PINs as scrypt hashes and never returns them', async () => {
    fixture = openCore();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const operators = await fixture.ok('operators.list', {});
    expect(operators).toHaveLength(4);
    expect(JSON.stringify(operators)).not.toMatch(/scrypt|pin/i);
    const db = inspectStation(fixture.dataDir);
    const hashes = db.prepare<[], { pin_hash: string }>('SELECT pin_hash FROM operators').all();
    for (const { pin_hash } of hashes)
      expect(pin_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    db.close();
  });
});
