import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '#shared/contract/index';
import { hashPinSync } from '../../../src/core/auth/pin';
import { eventHash } from '../../../src/core/events/chain';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';

let fixture: CoreFixture | undefined;
afterEach(() => {
  fixture?.close();
  fixture = undefined;
});

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

async function scan(f: CoreFixture, code: string): Promise<MethodOutput<'scan.submit'>> {
  return f.ok('scan.submit', { code, source: 'wedge' });
}

/** A closed case with a swapped item (a flag, refund on hold), as a returns clerk makes it. */
async function swappedCase(f: CoreFixture, options: { electronics?: boolean } = {}): Promise<string> {
  const db = inspectStation(f.dataDir);
  const rma = db
    .prepare<[], { number: string; order_id: string }>(
      `SELECT r.number, r.order_id FROM rmas r WHERE r.status = 'authorized' AND NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1) ORDER BY r.number LIMIT 1`,
    )
    .get()!;
  const stranger = db
    .prepare<[string, string], { code: string }>(
      `SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) AS code FROM product_barcodes b JOIN products p ON p.id = b.product_id
        WHERE p.category = ? AND p.serialised = 0 AND p.id NOT IN (SELECT product_id FROM order_lines WHERE order_id = ?)
        ORDER BY p.price_cents DESC LIMIT 1`,
    )
    .get(options.electronics ? 'home' : 'footwear', rma.order_id)!.code;
  db.close();
  await f.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
  await f.ok('session.bench', { bench: 'returns' });
  await scan(f, rma.number);
  await scan(f, stranger);
  await scan(f, 'CMD:ANSWER:NO'); // first question answered NO …
  await scan(f, 'CMD:GOOD'); // … the rest good
  // An extra photo of the routed item: evidence only, it must not grade the item again.
  await f.ok('returns.photo', { itemNo: 1, questionId: 'box', base64: PNG });
  await scan(f, 'CMD:DONE');
  const view = (await f.ok('returns.current', {}))!;
  await f.ok('auth.logout', {});
  return view.caseId;
}

describe('supervisor review (offline)', () => {
  it('queues flags by severity, shows the evidence side by side, and clearing releases the held refund', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const queue = await fixture.ok('review.queue', {});
    expect(queue.items[0]).toMatchObject({ caseId, type: 'item_swap', severity: 'high', status: 'open' });
    expect((await fixture.ok('review.queue', { severity: 'low' })).items.every((i) => i.severity === 'low')).toBe(true);
    expect((await fixture.ok('review.queue', { type: 'no_such_type' })).items).toEqual([]);
    const detail = await fixture.ok('review.case', { caseId });
    expect(detail.outbound).toMatchObject({ source: 'order_system' });
    expect(detail.returned.items[0]).toMatchObject({ match: 'wrong_item' });
    expect(detail.refund!.status).toBe('on_hold');
    expect(detail.timeline.map((e) => e.type)).toContain('fraud.flag_raised');
    const decided = await fixture.ok('review.decide', {
      flagId: queue.items[0]!.flagId,
      decision: 'clear',
      reason: 'PACKING_ERROR',
      note: 'Our picker swapped it.',
    });
    expect(decided.flags[0]).toMatchObject({
      status: 'cleared',
      decidedBy: 'Sam Okafor',
      decisionReason: 'PACKING_ERROR',
    });
    expect(decided.refund!.status).toBe('recommended');
    expect(decided.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['fraud.flag_decided', 'returns.refund_updated']),
    );
    expect(
      await fixture.call('review.decide', { flagId: queue.items[0]!.flagId, decision: 'confirm', reason: 'OTHER' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } });
  });

  it('needs a second supervisor to confirm fraud above the value threshold, and confirming denies the refund', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture, { electronics: true });
    const raw = new Database(join(fixture.dataDir, 'station.db'));
    raw
      .prepare(
        "INSERT INTO operators (id, name, role, badge_code, pin_hash, active) VALUES ('op-sup-2', 'Rin Adeyemi', 'supervisor', 'BADGE-S-2002', ?, 1)",
      )
      .run(hashPinSync('5555'));
    // Make the case worth more than the 200.00 threshold.
    raw.prepare('UPDATE return_items SET value_cents = 45000 WHERE case_id = ?').run(caseId);
    raw.close();
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const flagId = (await fixture.ok('review.case', { caseId })).flags.find((f) => f.status === 'open')!.flagId;
    expect(
      await fixture.call('review.decide', { flagId, decision: 'confirm', reason: 'SWAP_CONFIRMED' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await fixture.call('review.decide', {
        flagId,
        decision: 'confirm',
        reason: 'SWAP_CONFIRMED',
        second: { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await fixture.call('review.decide', {
        flagId,
        decision: 'confirm',
        reason: 'SWAP_CONFIRMED',
        second: { badge: 'BADGE-S-2002', pin: '0000' },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PIN' },
    });
    const confirmed = await fixture.ok('review.decide', {
      flagId,
      decision: 'confirm',
      reason: 'SWAP_CONFIRMED',
      second: { badge: 'BADGE-S-2002', pin: '5555' },
    });
    expect(confirmed.flags.find((f) => f.flagId === flagId)!.status).toBe('confirmed');
    const others = confirmed.flags.filter((f) => f.status === 'open');
    for (const other of others)
      await fixture.ok('review.decide', { flagId: other.flagId, decision: 'escalate', reason: 'NEEDS_CARRIER_REPORT' });
    const final = await fixture.ok('review.case', { caseId });
    expect(final.refund).toMatchObject({ status: 'denied', totalCents: 0 });
    const db = inspectStation(fixture.dataDir);
    const decision = db
      .prepare<[], { payload: string }>(
        "SELECT payload FROM events WHERE type = 'fraud.flag_decided' ORDER BY seq LIMIT 1",
      )
      .get()!;
    expect(JSON.parse(decision.payload)).toMatchObject({ decision: 'confirm', secondSupervisor: 'op-sup-2' });
    db.close();
  });

  it('exports an evidence bundle: a readable PDF and a JSON whose hashes check out', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const bundle = await fixture.ok('review.bundle', { caseId });
    const pdfFile = join(bundle.directory, 'report.pdf');
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Case ${caseId}`);
    expect(text).toMatch(/item swap — high, open/);
    expect(text).toMatch(/chain verified intact at export/);
    expect(Buffer.from(bundle.pdfBase64, 'base64').equals(readFileSync(pdfFile))).toBe(true);
    writeFileSync(join(bundle.directory, 'check.txt'), text);
    const json = JSON.parse(bundle.json) as {
      events: {
        id: string;
        seq: number;
        stationId: string;
        operatorId: string | null;
        type: string;
        subject: string | null;
        payload: string;
        schemaVersion: number;
        createdAt: number;
        prevHash: string;
        hash: string;
      }[];
      photos: { sha256: string; file: string; present: boolean }[];
      chainVerification: { ok: boolean };
    };
    expect(json.chainVerification.ok).toBe(true);
    expect(json.events.length).toBeGreaterThan(3);
    for (const event of json.events) expect(eventHash(event)).toBe(event.hash);
    for (const photo of json.photos.filter((p) => p.present)) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(bundle.directory, photo.file)))
          .digest('hex'),
      ).toBe(photo.sha256);
    }
  });

  it('samples graded items for a blind re-grade and reports agreement per grader', async () => {
    fixture = openCore({ random: () => 0 });
    await swappedCase(fixture);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const tasks = await fixture.ok('review.regrades', {});
    expect(tasks).toHaveLength(1);
    expect(JSON.stringify(tasks)).not.toMatch(/"grade"/);
    const first = await fixture.ok('review.regrade', { taskId: tasks[0]!.taskId, grade: 'A' });
    expect(await fixture.ok('review.consistency', {})).toEqual([
      {
        graderId: DEMO.returns.id,
        grader: 'Lena Vogel',
        regraded: 1,
        agreed: first.agreed ? 1 : 0,
        rate: first.agreed ? 1 : 0,
      },
    ]);
    expect(await fixture.call('review.regrade', { taskId: tasks[0]!.taskId, grade: 'A' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
  });

  it('computes the bench figures offline and exports them as CSV', async () => {
    fixture = openCore({ random: () => 0.99 });
    await swappedCase(fixture);
    await fixture.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
    const now = fixture.clock.now();
    const figures = await fixture.ok('analytics.summary', { from: now - 86_400_000, to: now + 1 });
    expect(figures.unitsPerHourByOperator).toEqual([
      expect.objectContaining({ key: DEMO.returns.id, label: 'Lena Vogel', units: 1, hours: 1 }),
    ]);
    expect(figures.gradeDistribution.reduce((s, g) => s + g.value, 0)).toBe(1);
    expect(figures.flagsByType.map((f) => f.key)).toContain('item_swap');
    expect(figures.scansPerItem).toBeGreaterThanOrEqual(1);
    const csv = await fixture.ok('analytics.csv', { from: now - 86_400_000, to: now + 1, table: 'flagsByType' });
    expect(csv.csv.split('\r\n')[0]).toBe('key,value,open,label');
    expect(csv.csv).toContain('item_swap');
    const empty = await fixture.ok('analytics.summary', { from: 0, to: 1000 });
    expect(empty).toMatchObject({ scansPerItem: 0, recoveredCents: 0, qc: { inspected: 0, failureRate: 0 } });
  });
});
