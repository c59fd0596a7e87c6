import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '#shared/contract/index';
import { hashPinSync } from '../../../src/core/auth/pin';
import { openDatabase } from '../../../src/core/db/connection';
import { PolicyStore } from '../../../src/core/db/queries/policies';
import { queuePageSql } from '../../../src/core/db/queries/review';
import { eventHash } from '../../../src/core/events/chain';
import { EventLog } from '../../../src/core/events/log';
import type { CaseRow, ItemRow } from '../../../src/core/db/queries/returns';
import { FraudService } from '../../../src/core/workflows/fraud';
import { DEMO, openCore, type CoreFixture } from '../../support/core-fixture';
import { inspectStation } from '../../support/db';
import { ROOT } from '../../support/paths';

const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

let fixture: CoreFixture | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  fixture?.close();
  fixture = undefined;
  while (cleanups.length) cleanups.pop()!();
});

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';
const PNG_SHA256 = createHash('sha256').update(Buffer.from(PNG, 'base64')).digest('hex');
const DAY = 86_400_000;
const SECOND = { badge: 'BADGE-S-2002', pin: '5555', id: 'op-sup-2', name: 'Rin Adeyemi' };

async function scan(f: CoreFixture, code: string): Promise<MethodOutput<'scan.submit'>> {
  return f.ok('scan.submit', { code, source: 'wedge' });
}

/** Writes to the station database behind the core's back, as sync (or an attacker) would. */
function raw(f: CoreFixture, sql: string, ...params: unknown[]): void {
  const db = new Database(join(f.dataDir, 'station.db'));
  db.prepare(sql).run(...params);
  db.close();
}

function addSecondSupervisor(f: CoreFixture): void {
  raw(
    f,
    "INSERT INTO operators (id, name, role, badge_code, pin_hash, active) VALUES (?, ?, 'supervisor', ?, ?, 1)",
    SECOND.id,
    SECOND.name,
    SECOND.badge,
    hashPinSync(SECOND.pin),
  );
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

async function asSupervisor(f: CoreFixture): Promise<void> {
  await f.ok('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  await f.ok('session.bench', { bench: 'review' });
}

function customerOf(f: CoreFixture, caseId: string): string {
  const db = inspectStation(f.dataDir);
  const row = db
    .prepare<[string], { customer_id: string }>(
      'SELECT o.customer_id FROM return_cases c JOIN orders o ON o.id = c.order_id WHERE c.id = ?',
    )
    .get(caseId)!;
  db.close();
  return row.customer_id;
}

describe('supervisor review (offline)', () => {
  it('queues flags by severity, shows the evidence side by side, and clearing releases the held refund', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    await asSupervisor(fixture);
    const queue = await fixture.ok('review.queue', {});
    expect(queue.items[0]).toMatchObject({ caseId, type: 'item_swap', severity: 'high', status: 'open', stale: false });
    expect(queue.types).toContain('item_swap');
    expect(queue.total).toBe(queue.items.length);
    expect((await fixture.ok('review.queue', { severity: 'low' })).items.every((i) => i.severity === 'low')).toBe(true);
    expect((await fixture.ok('review.queue', { type: 'no_such_type' })).items).toEqual([]);
    const detail = await fixture.ok('review.case', { caseId });
    expect(detail.outbound).toMatchObject({ source: 'order_system', photos: [] });
    expect(detail.outbound!.units.length).toBeGreaterThan(0);
    expect(detail.returned.items[0]).toMatchObject({ itemNo: 1, match: 'wrong_item', photos: [PNG_SHA256] });
    expect(detail.customer).toMatchObject({ casesHere: 1, history: [] });
    expect(detail.customer!.accountsAtAddress).toBeGreaterThanOrEqual(1);
    expect(detail.refund!.status).toBe('on_hold');
    expect(detail.secondSupervisorAboveCents).toBe(20_000);
    expect(detail.timeline.map((e) => e.type)).toContain('fraud.flag_raised');
    const swap = detail.flags.find((f) => f.type === 'item_swap')!;
    const others = detail.flags.filter((f) => f.flagId !== swap.flagId);
    for (const other of others)
      await fixture.ok('review.decide', { flagId: other.flagId, decision: 'clear', reason: 'EVIDENCE_CONSISTENT' });
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('on_hold');
    const decided = await fixture.ok('review.decide', {
      flagId: swap.flagId,
      decision: 'clear',
      reason: 'PACKING_ERROR',
      note: 'Our picker swapped it.',
    });
    expect(decided.flags.find((f) => f.flagId === swap.flagId)).toMatchObject({
      status: 'cleared',
      decidedBy: 'Sam Okafor',
      decidedAt: fixture.clock.now(),
      decisionReason: 'PACKING_ERROR',
      decisionNote: 'Our picker swapped it.',
    });
    expect(decided.refund!.status).toBe('recommended');
    expect(decided.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['fraud.flag_decided', 'returns.refund_updated']),
    );
    // The decision and the refund it released are one transaction: both events, in order.
    const db = inspectStation(fixture.dataDir);
    const tail = db
      .prepare<[string], { type: string; payload: string }>(
        'SELECT type, payload FROM events WHERE subject = ? ORDER BY seq DESC LIMIT 2',
      )
      .all(caseId);
    db.close();
    expect(tail.map((e) => e.type)).toEqual(['returns.refund_updated', 'fraud.flag_decided']);
    expect(JSON.parse(tail[0]!.payload)).toMatchObject({ from: 'on_hold', to: 'recommended' });
    // Decided: out of the default (unresolved) queue, in the cleared one.
    expect((await fixture.ok('review.queue', {})).items.some((i) => i.caseId === caseId)).toBe(false);
    expect((await fixture.ok('review.queue', { status: 'cleared' })).items.map((i) => i.flagId)).toContain(swap.flagId);
    expect(
      await fixture.call('review.decide', { flagId: swap.flagId, decision: 'confirm', reason: 'SWAP_CONFIRMED' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AVAILABLE' } });
  });

  it('refuses a reason that does not fit the decision, and keeps escalated flags in the queue', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    await asSupervisor(fixture);
    const flagId = (await fixture.ok('review.case', { caseId })).flags[0]!.flagId;
    expect(await fixture.call('review.decide', { flagId, decision: 'clear', reason: 'SWAP_CONFIRMED' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', details: { decision: 'clear' } },
    });
    await fixture.ok('review.decide', { flagId, decision: 'escalate', reason: 'LOSS_PREVENTION', note: 'to LP' });
    const unresolved = await fixture.ok('review.queue', {});
    expect(unresolved.items.find((i) => i.flagId === flagId)).toMatchObject({ status: 'escalated' });
    expect((await fixture.ok('review.queue', { status: 'open' })).items.some((i) => i.flagId === flagId)).toBe(false);
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('on_hold');
    // Age: nothing is older than a day yet; after two days, everything is.
    expect((await fixture.ok('review.queue', { olderThanHours: 24 })).items).toEqual([]);
    fixture.clock.advance(48 * 3_600_000);
    expect((await fixture.ok('review.queue', { olderThanHours: 24 })).items.length).toBe(unresolved.items.length);
  });

  it('needs a second supervisor to confirm fraud above the value threshold, and confirming denies the refund', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture, { electronics: true });
    addSecondSupervisor(fixture);
    // Make the case worth more than the 200.00 threshold.
    raw(fixture, 'UPDATE return_items SET value_cents = 45000 WHERE case_id = ?', caseId);
    await asSupervisor(fixture);
    const flagId = (await fixture.ok('review.case', { caseId })).flags.find((f) => f.status === 'open')!.flagId;
    expect(
      await fixture.call('review.decide', { flagId, decision: 'confirm', reason: 'SWAP_CONFIRMED' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', details: { valueCents: 45000, thresholdCents: 20000 } } });
    expect(
      await fixture.call('review.decide', {
        flagId,
        decision: 'confirm',
        reason: 'SWAP_CONFIRMED',
        second: { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin },
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await fixture.call('review.decide', {
        flagId,
        decision: 'confirm',
        reason: 'SWAP_CONFIRMED',
        second: { badge: DEMO.returns.badge, pin: DEMO.returns.pin },
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await fixture.call('review.decide', {
        flagId,
        decision: 'confirm',
        reason: 'SWAP_CONFIRMED',
        second: { badge: SECOND.badge, pin: '0000' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    const confirmed = await fixture.ok('review.decide', {
      flagId,
      decision: 'confirm',
      reason: 'SWAP_CONFIRMED',
      second: { badge: SECOND.badge, pin: SECOND.pin },
    });
    expect(confirmed.flags.find((f) => f.flagId === flagId)!.status).toBe('confirmed');
    for (const other of confirmed.flags.filter((f) => f.status === 'open'))
      await fixture.ok('review.decide', { flagId: other.flagId, decision: 'escalate', reason: 'NEEDS_CARRIER_REPORT' });
    const final = await fixture.ok('review.case', { caseId });
    expect(final.refund).toMatchObject({ status: 'denied', totalCents: 0 });
    expect(final.refund!.explanation.join(' ')).toMatch(/Denied: fraud confirmed \(item_swap/);
    expect(final.refund!.explanation.join(' ')).not.toMatch(/On hold/);
    const db = inspectStation(fixture.dataDir);
    const decision = db
      .prepare<[], { payload: string }>(
        "SELECT payload FROM events WHERE type = 'fraud.flag_decided' ORDER BY seq LIMIT 1",
      )
      .get()!;
    expect(JSON.parse(decision.payload)).toMatchObject({ decision: 'confirm', secondSupervisor: SECOND.id });
    db.close();
  });

  it('takes the second supervisor by scans: badge, then PIN — a clerk or the same supervisor is refused', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture, { electronics: true });
    addSecondSupervisor(fixture);
    raw(fixture, 'UPDATE return_items SET value_cents = 45000 WHERE case_id = ?', caseId);
    await asSupervisor(fixture);
    const flagId = (await fixture.ok('review.case', { caseId })).flags.find((f) => f.type === 'item_swap')!.flagId;
    // Under the threshold a second supervisor is not needed, so it cannot be asked for.
    const waiting = await fixture.ok('review.requestSecond', { flagId, reason: 'SWAP_CONFIRMED', note: 'two SKUs' });
    expect(waiting.pendingConfirmation).toMatchObject({ flagId, reason: 'SWAP_CONFIRMED', secondSupervisor: null });
    expect(fixture.frames.some((f) => f.t === 'event' && f.name === 'review.changed')).toBe(true);
    expect(await scan(fixture, DEMO.returns.badge)).toMatchObject({
      kind: 'review',
      tone: 'bad',
      message: 'verdict.review.secondNeeded',
    });
    expect(await scan(fixture, DEMO.supervisor.badge)).toMatchObject({
      tone: 'bad',
      message: 'verdict.review.ownConfirmation',
    });
    expect(await scan(fixture, SECOND.badge)).toMatchObject({
      tone: 'info',
      message: 'verdict.review.secondPin',
      params: { name: SECOND.name },
    });
    expect((await fixture.ok('review.case', { caseId })).pendingConfirmation!.secondSupervisor).toBe(SECOND.name);
    expect(await scan(fixture, '0000')).toMatchObject({ tone: 'bad', message: 'verdict.pinWrong', display: '••••' });
    // Still the first supervisor's session, still waiting.
    expect((await fixture.ok('session.current', {})).operator!.name).toBe('Sam Okafor');
    const done = await scan(fixture, SECOND.pin);
    expect(done).toMatchObject({ tone: 'good', message: 'verdict.review.confirmed', display: '••••' });
    const after = await fixture.ok('review.case', { caseId });
    expect(after.flags.find((f) => f.flagId === flagId)).toMatchObject({
      status: 'confirmed',
      decisionReason: 'SWAP_CONFIRMED',
      decisionNote: 'two SKUs',
    });
    expect(after.pendingConfirmation).toBeNull();
    const db = inspectStation(fixture.dataDir);
    const payloads = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type IN ('scan.recorded', 'auth.pin_failed')")
      .all()
      .map((e) => e.payload);
    const decision = db
      .prepare<[], { operator_id: string; payload: string }>(
        "SELECT operator_id, payload FROM events WHERE type = 'fraud.flag_decided'",
      )
      .get()!;
    db.close();
    // A PIN is never stored; the wrong one counted against the second supervisor's badge.
    expect(payloads.join(' ')).not.toContain(SECOND.pin);
    expect(decision.operator_id).toBe(DEMO.supervisor.id);
    expect(JSON.parse(decision.payload)).toMatchObject({ secondSupervisor: SECOND.id, decision: 'confirm' });
    // Cancelled by CMD:CANCEL: nothing decided.
    const next = after.flags.find((f) => f.status === 'open');
    if (next) {
      await fixture.ok('review.requestSecond', { flagId: next.flagId, reason: 'OTHER' });
      expect(await scan(fixture, 'CMD:CANCEL')).toMatchObject({ message: 'verdict.review.secondCancelled' });
      expect((await fixture.ok('review.case', { caseId })).pendingConfirmation).toBeNull();
      expect(await scan(fixture, SECOND.badge)).toMatchObject({ kind: 'badge', message: 'verdict.badgeSwitch' });
      await fixture.ok('auth.cancel', {});
    }
  });

  it('opens a case from its RMA label scanned at the review bench, and reads decision barcodes', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    const db = inspectStation(fixture.dataDir);
    const rma = db
      .prepare<[string], { number: string }>(
        'SELECT r.number FROM return_cases c JOIN rmas r ON r.id = c.rma_id WHERE c.id = ?',
      )
      .get(caseId)!.number;
    const other = db
      .prepare<[], { number: string }>(
        'SELECT number FROM rmas WHERE id NOT IN (SELECT rma_id FROM return_cases WHERE rma_id IS NOT NULL) LIMIT 1',
      )
      .get()!.number;
    db.close();
    await asSupervisor(fixture);
    expect(await scan(fixture, rma)).toMatchObject({
      kind: 'review',
      tone: 'good',
      message: 'verdict.review.caseOpened',
      params: { caseId, number: rma },
    });
    expect(await scan(fixture, other)).toMatchObject({ tone: 'bad', message: 'verdict.review.noCase' });
    expect(await scan(fixture, 'CMD:DECIDE:CLEAR')).toMatchObject({
      message: 'verdict.review.decision',
      params: { decision: 'clear' },
    });
    expect(await scan(fixture, 'CMD:DECIDE:FORGIVE')).toMatchObject({
      tone: 'bad',
      message: 'verdict.review.notADecision',
    });
    expect(await scan(fixture, 'CMD:REASON:PACKING_ERROR')).toMatchObject({ params: { reason: 'PACKING_ERROR' } });
    expect(await scan(fixture, 'CMD:REASON:BECAUSE')).toMatchObject({
      tone: 'bad',
      message: 'verdict.review.notAReason',
    });
    expect(await scan(fixture, 'CMD:DONE')).toMatchObject({ message: 'verdict.review.submit' });
    // Each scan is recorded, the case scan with the case as its subject.
    const after = inspectStation(fixture.dataDir);
    const recorded = after
      .prepare<[], { subject: string | null; payload: string }>(
        "SELECT subject, payload FROM events WHERE type = 'scan.recorded' AND json_extract(payload, '$.bench') = 'review'",
      )
      .all();
    after.close();
    expect(recorded).toHaveLength(7);
    expect(recorded[0]).toMatchObject({ subject: caseId });
  });

  it('serves the photos of the evidence, checked against their hash', async () => {
    fixture = openCore({ random: () => 0.99 });
    await swappedCase(fixture);
    await asSupervisor(fixture);
    const photo = await fixture.ok('review.photo', { sha256: PNG_SHA256 });
    expect(photo).toEqual({ mime: 'image/png', base64: PNG, verified: true });
    expect(await fixture.call('review.photo', { sha256: '0'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // Someone replaces the file: served, but it no longer matches its hash.
    const file = join(fixture.dataDir, 'photos', PNG_SHA256.slice(0, 2), `${PNG_SHA256}.png`);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    expect((await fixture.ok('review.photo', { sha256: PNG_SHA256 })).verified).toBe(false);
  });

  it('exports an evidence bundle: a readable PDF, a JSON whose hashes check out, and SHA256SUMS for every file', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    await asSupervisor(fixture);
    const bundle = await fixture.ok('review.bundle', { caseId });
    const pdfFile = join(bundle.directory, 'report.pdf');
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Case ${caseId}`);
    expect(text).toMatch(/item swap — high, open/);
    expect(text).toMatch(/What left, against what came back/);
    expect(text).toMatch(/returned · sha256 [0-9a-f]{64} · bytes match the hash/);
    expect(text).toMatch(/chain verified intact at export/);
    expect(Buffer.from(bundle.pdfBase64, 'base64').equals(readFileSync(pdfFile))).toBe(true);
    // The PDF names the sha256 of the very case.json written next to it, and the call's json.
    const jsonFile = readFileSync(join(bundle.directory, 'case.json'), 'utf8');
    expect(jsonFile).toBe(bundle.json);
    const jsonSha = createHash('sha256').update(jsonFile).digest('hex');
    expect(text.replace(/\s+/g, ' ')).toContain(`sha256 of case.json: ${jsonSha}`);
    // Every file of the bundle, by sha256sum itself.
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle.directory, encoding: 'utf8' });
    expect(check.trim().split('\n')).toEqual(
      expect.arrayContaining(['case.json: OK', 'report.pdf: OK', `photos/${PNG_SHA256}.png: OK`]),
    );
    expect(bundle.files.map((f) => f.file).sort()).toEqual(['case.json', `photos/${PNG_SHA256}.png`, 'report.pdf']);
    const json = JSON.parse(bundle.json) as {
      case: { caseId: string };
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
      photos: { sha256: string; file: string; present: boolean; verified: boolean; side: string }[];
      chainVerification: { ok: boolean; checked: number };
    };
    expect(json.case.caseId).toBe(caseId);
    expect(json.chainVerification).toMatchObject({ ok: true });
    // The case's events, exactly as stored in the station database: same rows, same hashes.
    const db = inspectStation(fixture.dataDir);
    const stored = db
      .prepare<[string], { seq: number; hash: string; payload: string }>(
        "SELECT seq, hash, payload FROM events WHERE subject = ? AND type <> 'review.bundle_exported' ORDER BY seq",
      )
      .all(caseId);
    const total = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()!.n;
    db.close();
    expect(json.events.map((e) => ({ seq: e.seq, hash: e.hash, payload: e.payload }))).toEqual(stored);
    // Verified at export, before the export itself was recorded.
    expect(json.chainVerification.checked).toBe(total - 1);
    expect(json.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'returns.opened',
        'returns.item_received',
        'returns.photo_attached',
        'fraud.flag_raised',
      ]),
    );
    for (const event of json.events) expect(eventHash(event)).toBe(event.hash);
    expect(json.photos).toEqual([
      expect.objectContaining({ sha256: PNG_SHA256, present: true, verified: true, side: 'returned' }),
    ]);
    for (const photo of json.photos) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(bundle.directory, photo.file)))
          .digest('hex'),
      ).toBe(photo.sha256);
    }
    // Rendered, to look at (test-results/screenshots/evidence-report-1.png).
    mkdirSync(SCREENSHOTS, { recursive: true });
    const out = join(SCREENSHOTS, 'evidence-report');
    execFileSync('pdftoppm', ['-png', '-r', '90', '-f', '1', '-l', '1', pdfFile, out]);
    expect(statSync(`${out}-1.png`).size).toBeGreaterThan(10_000);
  });

  it('samples graded items for a blind re-grade and reports agreement per grader', async () => {
    fixture = openCore({ random: () => 0 });
    await swappedCase(fixture);
    await asSupervisor(fixture);
    const tasks = await fixture.ok('review.regrades', {});
    expect(tasks).toHaveLength(1);
    expect(JSON.stringify(tasks)).not.toMatch(/"grade"|"bin"|"disposition"/);
    const db = inspectStation(fixture.dataDir);
    const original = db.prepare<[], { grade: string }>('SELECT grade FROM return_items').get()!.grade;
    db.close();
    const first = await fixture.ok('review.regrade', { taskId: tasks[0]!.taskId, grade: 'A' });
    expect(first).toEqual({ agreed: original === 'A', originalGrade: original });
    const distance = Math.abs('ABCDF'.indexOf(original) - 'ABCDF'.indexOf('A'));
    expect(await fixture.ok('review.consistency', {})).toEqual([
      {
        graderId: DEMO.returns.id,
        grader: 'Lena Vogel',
        regraded: 1,
        agreed: original === 'A' ? 1 : 0,
        withinOne: distance <= 1 ? 1 : 0,
        rate: original === 'A' ? 1 : 0,
      },
    ]);
    expect(await fixture.call('review.regrade', { taskId: tasks[0]!.taskId, grade: 'A' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
  });

  it('does not offer a supervisor the items they graded themselves', async () => {
    fixture = openCore({ random: () => 0 });
    await swappedCase(fixture);
    raw(fixture, "UPDATE regrade_tasks SET grader_id = 'op-supervisor'");
    await asSupervisor(fixture);
    expect(await fixture.ok('review.regrades', {})).toEqual([]);
  });

  it('computes the bench figures offline and exports them as CSV', async () => {
    fixture = openCore({ random: () => 0.99 });
    await swappedCase(fixture);
    await asSupervisor(fixture);
    const now = fixture.clock.now();
    const figures = await fixture.ok('analytics.summary', { from: now - 86_400_000, to: now + 1 });
    expect(figures.unitsPerHourByOperator).toEqual([
      expect.objectContaining({ key: DEMO.returns.id, label: 'Lena Vogel', units: 1, hours: 1, value: 1 }),
    ]);
    expect(figures.unitsPerHourByStation).toEqual([expect.objectContaining({ label: 'DEMO-01', units: 1 })]);
    expect(figures.gradeDistribution.reduce((s, g) => s + g.value, 0)).toBe(1);
    expect(figures.flagsByType.map((f) => f.key)).toContain('item_swap');
    // One item received with one scan: one scan per item (the RMA, answers and DONE are not item scans).
    expect(figures.scansPerItem).toBe(1);
    const csv = await fixture.ok('analytics.csv', { from: now - 86_400_000, to: now + 1, table: 'flagsByType' });
    expect(csv.csv.split('\r\n')[0]).toBe('key,value,open,label');
    expect(csv.csv).toContain('item_swap');
    const empty = await fixture.ok('analytics.summary', { from: 0, to: 1000 });
    expect(empty).toMatchObject({ scansPerItem: 0, recoveredCents: 0, qc: { inspected: 0, failureRate: 0 } });
    expect(await fixture.call('analytics.summary', { from: now, to: now })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });
});

/** The ids of a case's events of these types about one item (or about none), in log order. */
function caseEventIds(f: CoreFixture, caseId: string, types: string[], itemNo: number | null): string[] {
  const db = inspectStation(f.dataDir);
  const rows = db
    .prepare<[string], { id: string; type: string; item_no: number | null }>(
      "SELECT id, type, json_extract(payload, '$.itemNo') AS item_no FROM events WHERE subject = ? ORDER BY seq",
    )
    .all(caseId);
  db.close();
  return rows.filter((r) => types.includes(r.type) && r.item_no === itemNo).map((r) => r.id);
}

describe('the evidence a flag names', () => {
  const ITEM_EVENTS = [
    'returns.item_received',
    'returns.serial_recorded',
    'returns.item_graded',
    'returns.photo_attached',
  ];

  it("names the events and photos of the items it is about: a swap its item's, an empty box its weighing, a serial returner every item's", async () => {
    fixture = openCore({ random: () => 0.99 });
    const db = inspectStation(fixture.dataDir);
    const rma = db
      .prepare<[], { number: string; order_id: string; code: string }>(
        `SELECT r.number, r.order_id,
                (SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) FROM rma_lines l JOIN product_barcodes b ON b.product_id = l.product_id
                  WHERE l.rma_id = r.id ORDER BY l.line_no, b.code LIMIT 1) AS code
           FROM rmas r WHERE r.status = 'authorized' AND NOT EXISTS (SELECT 1 FROM rma_lines l JOIN products p ON p.id = l.product_id WHERE l.rma_id = r.id AND p.serialised = 1)
          ORDER BY r.number LIMIT 1`,
      )
      .get()!;
    const stranger = db
      .prepare<[string], { code: string }>(
        `SELECT substr(b.code, CASE b.kind WHEN 'upca' THEN 3 ELSE 2 END) AS code FROM product_barcodes b JOIN products p ON p.id = b.product_id
          WHERE p.category = 'footwear' AND p.serialised = 0 AND p.id NOT IN (SELECT product_id FROM order_lines WHERE order_id = ?)
          ORDER BY p.price_cents DESC LIMIT 1`,
      )
      .get(rma.order_id)!.code;
    db.close();
    await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await fixture.ok('session.bench', { bench: 'returns' });
    await scan(fixture, rma.number);
    await scan(fixture, rma.code); // item 1: the RMA's own
    await scan(fixture, 'CMD:GOOD');
    await scan(fixture, stranger); // item 2: not in the order
    await scan(fixture, 'CMD:ANSWER:NO');
    await scan(fixture, 'CMD:GOOD');
    await fixture.ok('returns.photo', { itemNo: 2, questionId: 'box', base64: PNG });
    await fixture.ok('returns.weight', { grams: 90, source: 'manual' });
    await scan(fixture, 'CMD:DONE');
    const view = (await fixture.ok('returns.current', {}))!;
    const caseId = view.caseId;
    expect(view.items.map((i) => [i.itemNo, i.match])).toEqual([
      [1, 'matched'],
      [2, 'wrong_item'],
    ]);
    await fixture.ok('auth.logout', {});
    await asSupervisor(fixture);

    const item1 = caseEventIds(fixture, caseId, ITEM_EVENTS, 1);
    const item2 = caseEventIds(fixture, caseId, ITEM_EVENTS, 2);
    const weighed = caseEventIds(fixture, caseId, ['returns.weighed'], null);
    expect(item1.length).toBeGreaterThanOrEqual(2); // received, graded
    expect(item2.length).toBeGreaterThanOrEqual(3); // received, graded, the photo
    expect(weighed).toHaveLength(1);
    let detail = await fixture.ok('review.case', { caseId });
    const photos2 = detail.returned.items.find((i) => i.itemNo === 2)!.photos;
    expect(photos2).toContain(PNG_SHA256);
    const swap = detail.flags.find((f) => f.type === 'item_swap')!;
    expect(swap.evidence).toMatchObject({ events: item2, photos: photos2 });
    expect(detail.flags.find((f) => f.type === 'empty_box')!.evidence).toMatchObject({ events: weighed, photos: [] });
    // The event that raised the flag carries the same evidence (it is what syncs and what a bundle holds).
    const raised = inspectStation(fixture.dataDir);
    const payload = JSON.parse(
      raised
        .prepare<[string], { payload: string }>(
          "SELECT payload FROM events WHERE type = 'fraud.flag_raised' AND json_extract(payload, '$.flagId') = ?",
        )
        .get(swap.flagId)!.payload,
    ) as { evidence: Record<string, unknown> };
    raised.close();
    expect(payload.evidence).toMatchObject({ events: item2, photos: photos2 });

    // Re-evaluated on the same history: the same evidence, nothing updated.
    expect(await fixture.ok('review.reevaluate', { caseIds: [caseId] })).toMatchObject({ raised: 0, updated: 0 });
    // New counters make the customer a serial returner: a rule about the customer names every item.
    raw(
      fixture,
      'UPDATE customers SET orders_count = 12, returns_count = 10, returns_value_cents = 150000 WHERE id = ?',
      customerOf(fixture, caseId),
    );
    expect(await fixture.ok('review.reevaluate', { caseIds: [caseId] })).toMatchObject({ raised: 1 });
    detail = await fixture.ok('review.case', { caseId });
    const all = detail.returned.items.flatMap((i) => i.photos);
    expect(detail.flags.find((f) => f.type === 'serial_returner')!.evidence).toMatchObject({
      events: [...item1, ...item2],
      photos: [...new Set(all)],
    });
  });
});

describe('re-evaluation when new history arrives', () => {
  it('raises a serial-returner flag from new customer counters, holds the refund, and marks it stale when they drop', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    const customerId = customerOf(fixture, caseId);
    await asSupervisor(fixture);
    // The supervisor clears the swap: the refund is released.
    for (const flag of (await fixture.ok('review.case', { caseId })).flags)
      await fixture.ok('review.decide', { flagId: flag.flagId, decision: 'clear', reason: 'PACKING_ERROR' });
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('recommended');
    expect(await fixture.ok('review.reevaluate', { caseIds: [caseId] })).toEqual({
      evaluated: 1,
      raised: 0,
      updated: 0,
      stale: 0,
    });
    // Sync brings the order system's counters: a serial returner.
    raw(
      fixture,
      'UPDATE customers SET orders_count = 12, returns_count = 10, returns_value_cents = 150000 WHERE id = ?',
      customerId,
    );
    const first = await fixture.ok('review.reevaluate', { caseIds: [caseId] });
    expect(first).toEqual({ evaluated: 1, raised: 1, updated: 0, stale: 0 });
    let view = await fixture.ok('review.case', { caseId });
    const serial = view.flags.find((f) => f.type === 'serial_returner')!;
    expect(serial).toMatchObject({ status: 'open', stale: false, severity: 'medium' });
    expect(serial.explanation).toMatch(/returned 11 times/);
    // Decided flags are untouched; the cleared swap is not raised again.
    expect(view.flags.filter((f) => f.type === 'item_swap')).toHaveLength(1);
    expect(view.flags.find((f) => f.type === 'item_swap')!.status).toBe('cleared');
    expect(view.refund!.status).toBe('on_hold');
    // Idempotent: nothing new the second time.
    expect(await fixture.ok('review.reevaluate', { caseIds: [caseId] })).toEqual({
      evaluated: 1,
      raised: 0,
      updated: 0,
      stale: 0,
    });
    // More returns: the open flag gets the new figures.
    raw(fixture, 'UPDATE customers SET returns_count = 11 WHERE id = ?', customerId);
    expect(await fixture.ok('review.reevaluate', {})).toMatchObject({ raised: 0, updated: 1, stale: 0 });
    view = await fixture.ok('review.case', { caseId });
    expect(view.flags.find((f) => f.type === 'serial_returner')!.explanation).toMatch(/returned 12 times/);
    // The counters were wrong: the rule no longer fires. Stale, still open — a supervisor decides.
    raw(fixture, 'UPDATE customers SET returns_count = 0, returns_value_cents = 0 WHERE id = ?', customerId);
    expect(await fixture.ok('review.reevaluate', {})).toMatchObject({ raised: 0, updated: 0, stale: 1 });
    view = await fixture.ok('review.case', { caseId });
    expect(view.flags.find((f) => f.type === 'serial_returner')).toMatchObject({ status: 'open', stale: true });
    expect(view.refund!.status).toBe('on_hold');
    expect((await fixture.ok('review.queue', {})).items.find((i) => i.type === 'serial_returner')).toMatchObject({
      stale: true,
    });
    await fixture.ok('review.decide', {
      flagId: view.flags.find((f) => f.type === 'serial_returner')!.flagId,
      decision: 'clear',
      reason: 'EVIDENCE_CONSISTENT',
    });
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('recommended');
    const db = inspectStation(fixture.dataDir);
    const types = db
      .prepare<[string], { type: string; operator_id: string | null }>(
        "SELECT type, operator_id FROM events WHERE subject = ? AND type LIKE 'fraud.%' ORDER BY seq",
      )
      .all(caseId);
    db.close();
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining(['fraud.flag_raised', 'fraud.flag_updated', 'fraud.flag_stale']),
    );
  });

  it('does not push a re-evaluated case over the case a clerk has open at the returns bench', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    const customerId = customerOf(fixture, caseId);
    const db = inspectStation(fixture.dataDir);
    const next = db
      .prepare<[], { number: string }>(
        "SELECT number FROM rmas WHERE status = 'authorized' AND id NOT IN (SELECT rma_id FROM return_cases WHERE rma_id IS NOT NULL) ORDER BY number LIMIT 1",
      )
      .get()!.number;
    db.close();
    await fixture.ok('auth.login', { badge: DEMO.returns.badge, pin: DEMO.returns.pin });
    await fixture.ok('session.bench', { bench: 'returns' });
    await scan(fixture, next);
    const open = (await fixture.ok('returns.current', {}))!;
    expect(open).toMatchObject({ status: 'open', rmaNumber: next });
    await fixture.ok('auth.logout', {});
    await asSupervisor(fixture);
    for (const flag of (await fixture.ok('review.case', { caseId })).flags)
      await fixture.ok('review.decide', { flagId: flag.flagId, decision: 'clear', reason: 'PACKING_ERROR' });
    raw(
      fixture,
      'UPDATE customers SET orders_count = 12, returns_count = 10, returns_value_cents = 150000 WHERE id = ?',
      customerId,
    );
    const before = fixture.frames.length;
    expect(await fixture.ok('review.reevaluate', { caseIds: [caseId] })).toMatchObject({ raised: 1 });
    await fixture.core.idle();
    const pushed = fixture.frames
      .slice(before)
      .filter((f) => f.t === 'event' && f.name === 'returns.changed')
      .map((f) => (f.t === 'event' ? (f.payload as { caseId: string } | null)?.caseId : null));
    expect(pushed).not.toContain(caseId);
    expect((await fixture.ok('returns.current', {}))!.caseId).toBe(open.caseId);
    expect((await fixture.ok('review.case', { caseId })).refund!.status).toBe('on_hold');
  });

  it('is the hook sync calls after a page of customers or orders: re-evaluates their recent cases only', async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    const customerId = customerOf(fixture, caseId);
    fixture.core.close();
    // What the sync layer holds: the station database, its event log and policies.
    const db = openDatabase(join(fixture.dataDir, 'station.db'));
    cleanups.push(() => db.close());
    const stationId = db.prepare<[], { id: string }>('SELECT id FROM station').get()!.id;
    const clock = fixture.clock.now;
    const changed: string[] = [];
    const fraud = new FraudService({
      db,
      events: new EventLog(db, stationId, clock),
      policies: new PolicyStore(db, pino({ level: 'silent' })),
      clock,
      refundChanged: (id) => changed.push(id),
    });
    db.prepare(
      'UPDATE customers SET orders_count = 12, returns_count = 10, returns_value_cents = 150000 WHERE id = ?',
    ).run(customerId);
    expect(fraud.reevaluate({ customerIds: ['no-such-customer'] })).toEqual({
      evaluated: 0,
      raised: 0,
      updated: 0,
      stale: 0,
    });
    expect(fraud.reevaluate({ customerIds: [customerId] })).toMatchObject({ evaluated: 1, raised: 1 });
    expect(changed).toEqual([caseId]);
    // A month and more later the case is no longer re-evaluated for a customer page.
    fixture.clock.advance(31 * 86_400_000);
    db.prepare('UPDATE customers SET returns_count = 0 WHERE id = ?').run(customerId);
    expect(fraud.reevaluate({ customerIds: [customerId] }).evaluated).toBe(0);
    // … unless it is named; the cases whose flags changed are named back (sync tells the
    // review windows), and a case whose flags stay as they were is not.
    expect(fraud.reevaluateCases({ caseIds: [caseId] })).toMatchObject({
      totals: { evaluated: 1, stale: 1 },
      flagged: [caseId],
    });
    expect(fraud.reevaluateCases({ caseIds: [caseId] }).flagged).toEqual([]);
    const raised = db
      .prepare<[], { operator_id: string | null; payload: string }>(
        "SELECT operator_id, payload FROM events WHERE type = 'fraud.flag_raised' ORDER BY seq DESC LIMIT 1",
      )
      .get()!;
    expect(raised.operator_id).toBeNull();
    expect(JSON.parse(raised.payload)).toMatchObject({ type: 'serial_returner', reevaluation: true });
    expect(new EventLog(db, stationId).verify().ok).toBe(true);
  });

  it("counts the customer's orders placed in the serial-returner period for its rate", async () => {
    fixture = openCore({ random: () => 0.99 });
    const caseId = await swappedCase(fixture);
    const customerId = customerOf(fixture, caseId);
    fixture.core.close();
    const db = openDatabase(join(fixture.dataDir, 'station.db'));
    cleanups.push(() => db.close());
    const stationId = db.prepare<[], { id: string }>('SELECT id FROM station').get()!.id;
    const policies = new PolicyStore(db, pino({ level: 'silent' }));
    const fraud = new FraudService({
      db,
      events: new EventLog(db, stationId, fixture.clock.now),
      policies,
      clock: fixture.clock.now,
    });
    const row = db.prepare<[string], CaseRow>('SELECT * FROM return_cases WHERE id = ?').get(caseId)!;
    const snapshot = {
      case: row,
      items: db.prepare<[string], ItemRow>('SELECT * FROM return_items WHERE case_id = ?').all(caseId),
      customerId,
      refundCents: null,
    };
    const at = row.closed_at!;
    const period = policies.one('fraud')!.serialReturner.periodDays;
    const before = fraud.facts(snapshot, at).ordersInPeriod;
    const placed = db
      .prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM orders WHERE customer_id = ? AND placed_at >= ?',
      )
      .get(customerId, at - period * DAY)!.n;
    expect(before).toBe(placed);
    expect(before).toBeGreaterThanOrEqual(1);
    const order = db.prepare(
      "INSERT INTO orders (id, number, brand_id, customer_id, status, placed_at) VALUES (?, ?, 'brand-northwind', ?, 'shipped', ?)",
    );
    order.run('ord-t-in', 'T-IN', customerId, at - period * DAY); // the period's first moment
    order.run('ord-t-out', 'T-OUT', customerId, at - period * DAY - 1); // just before it
    order.run('ord-t-other', 'T-OTHER', 'cust-someone-else', at - DAY);
    expect(fraud.facts(snapshot, at).ordersInPeriod).toBe(before + 1);
  });

  it('reads a customer history, accounts at an address and recent cases by index', () => {
    fixture = openCore();
    const db = inspectStation(fixture.dataDir);
    const plan = (sql: string, ...params: unknown[]): string =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => row.detail)
        .join(' | ');
    expect(plan('SELECT count(*) AS n FROM customers WHERE address_key = ?', 'x')).toMatch(
      /USING (COVERING )?INDEX customers_address/,
    );
    const history = plan(
      `SELECT c.id, c.closed_at, coalesce(sum(i.value_cents), 0) AS value, group_concat(i.reason) AS reasons
         FROM return_cases c LEFT JOIN return_items i ON i.case_id = c.id
        WHERE c.customer_id = ? AND c.closed_at >= ? AND c.status = 'closed' AND c.id <> ?
        GROUP BY c.id`,
      'c',
      0,
      'x',
    );
    expect(history).toMatch(/SEARCH c USING INDEX return_cases_customer \(customer_id=\? AND closed_at>\?\)/);
    expect(history).toMatch(/SEARCH i USING PRIMARY KEY \(case_id=\?\)/);
    expect(plan('SELECT count(*) AS n FROM orders WHERE customer_id = ? AND placed_at >= ?', 'c', 0)).toMatch(
      /SEARCH orders USING COVERING INDEX orders_customer_placed \(customer_id=\? AND placed_at>\?\)/,
    );
    expect(
      plan("SELECT id FROM return_cases WHERE status = 'closed' AND closed_at >= ? ORDER BY closed_at", 0),
    ).toMatch(/INDEX return_cases_closed/);
    expect(plan("SELECT count(*) FROM fraud_flags f WHERE f.type = ? AND f.status IN ('open')", 'x')).toMatch(
      /INDEX fraud_flags_type/,
    );
    // A page of the queue walks the queue index in its order and stops at the limit: no sort.
    for (const filter of [
      { statuses: ['open', 'escalated', 'info_requested'] },
      { statuses: null, severity: 'low', type: 'item_swap' },
      { statuses: ['cleared'], raisedBefore: 1 },
    ]) {
      const page = queuePageSql(filter);
      const detail = plan(page.sql, ...page.params, 100);
      expect(detail).toMatch(/SCAN f USING (COVERING )?INDEX fraud_flags_queue/);
      expect(detail).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
    db.close();
  });
});

describe('tamper evidence', () => {
  it('points at exactly the event edited behind the core, in the chain check and in the evidence bundle', async () => {
    const first = openCore({ random: () => 0.99 });
    cleanups.push(() => first.close());
    const caseId = await swappedCase(first);
    const db = inspectStation(first.dataDir);
    const target = db
      .prepare<[string], { seq: number; payload: string }>(
        "SELECT seq, payload FROM events WHERE subject = ? AND type = 'fraud.flag_raised' ORDER BY seq LIMIT 1",
      )
      .get(caseId)!;
    const total = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()!.n;
    db.close();
    first.core.close();
    // An attacker with the file: drops the guard, softens the flag's event, puts the guard back.
    const file = join(first.dataDir, 'station.db');
    const attacker = new Database(file);
    const trigger = attacker
      .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'events_append_only_update'")
      .get()!.sql;
    attacker.exec('DROP TRIGGER events_append_only_update');
    attacker
      .prepare('UPDATE events SET payload = ? WHERE seq = ?')
      .run(target.payload.replace('"severity":"high"', '"severity":"low"'), target.seq);
    attacker.exec(trigger);
    attacker.close();
    expect(existsSync(file)).toBe(true);

    fixture = first.reopen();
    await asSupervisor(fixture);
    expect(await fixture.ok('events.verify', {})).toEqual({
      ok: false,
      checked: target.seq - 1,
      brokenAtSeq: target.seq,
      reason: 'the event does not match its hash',
    });
    const bundle = await fixture.ok('review.bundle', { caseId });
    const json = JSON.parse(bundle.json) as {
      events: (Parameters<typeof eventHash>[0] & { hash: string })[];
      chainVerification: { ok: boolean; brokenAtSeq: number };
    };
    expect(json.chainVerification).toMatchObject({ ok: false, brokenAtSeq: target.seq });
    const mismatched = json.events.filter((e) => eventHash(e) !== e.hash).map((e) => e.seq);
    expect(mismatched).toEqual([target.seq]);
    const text = execFileSync('pdftotext', [join(bundle.directory, 'report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(`BROKEN at event ${target.seq}`);
    expect(total).toBeGreaterThan(target.seq);
  });
});
