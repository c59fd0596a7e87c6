import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { newId, newSecret } from '../auth';
import type { Queryable, Store } from '../db/store';
import { badRequest, describeIssues, notFound } from '../errors';
import { servedPayload } from './served-payload';
import type { StationAuth } from './tenants';

/**
 * Webhooks: the company's systems are told when a bench outcome needs them — a return graded (a
 * refund to decide), a package packed, a parcel on QC hold, a fraud confirmed.
 *
 * Deliveries are written in the transaction that stores the events (a transactional outbox): an
 * event that is stored will be delivered, however the process dies. A dispatcher claims due
 * deliveries with `FOR UPDATE SKIP LOCKED` (several instances share the work), posts them signed
 * with HMAC-SHA256, and retries failures with exponential backoff.
 */

export const WEBHOOK_TOPICS = ['return.graded', 'package.packed', 'qc.hold', 'fraud.confirmed'] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** The topic an applied event raises, if any. */
export function topicOf(type: string | null, payload: string | null): WebhookTopic | null {
  switch (type) {
    case 'returns.item_graded':
      return 'return.graded';
    case 'pack.completed':
      return 'package.packed';
    case 'qc.held':
      return 'qc.hold';
    case 'fraud.flag_decided': {
      try {
        const parsed = JSON.parse(payload ?? '{}') as { decision?: unknown };
        return parsed.decision === 'confirm' ? 'fraud.confirmed' : null;
      } catch {
        return null;
      }
    }
    default:
      return null;
  }
}

export const webhookInputSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL'),
  topics: z.array(z.enum(WEBHOOK_TOPICS)).min(1).max(WEBHOOK_TOPICS.length),
  /** Leave out to have one generated. */
  secret: z.string().min(16).max(200).optional(),
});

export type WebhookView = { id: string; url: string; topics: string[]; active: boolean; createdAt: string };

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (Stripe's scheme). */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type WebhookOptions = {
  /** First retry after this; doubles each attempt. */
  retryBaseMs: number;
  retryCapMs: number;
  maxAttempts: number;
  timeoutMs: number;
  pollMs: number;
};

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  retryBaseMs: 10_000,
  retryCapMs: 60 * 60_000,
  maxAttempts: 15,
  timeoutMs: 10_000,
  pollMs: 1000,
};

type EventForHook = {
  seq: number;
  id: string;
  type: string | null;
  subject: string | null;
  operatorId: string | null;
  payload: string | null;
  schemaVersion: number | null;
  createdAt: number | null;
};

export class Webhooks {
  readonly #store: Store;
  readonly #options: WebhookOptions;
  readonly #log: { warn: (obj: object, msg: string) => void };
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #stopped = false;

  constructor(store: Store, log: { warn: (obj: object, msg: string) => void }, options: Partial<WebhookOptions> = {}) {
    this.#store = store;
    this.#options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.#log = log;
  }

  async create(companyId: string, body: unknown): Promise<WebhookView & { secret: string }> {
    const parsed = webhookInputSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`Invalid webhook — ${describeIssues(parsed.error.issues)}`);
    const id = newId('hook');
    const secret = parsed.data.secret ?? newSecret('whs');
    const { rows } = await this.#store.query<{ created_at: Date }>(
      'INSERT INTO webhooks (id, company_id, url, secret, topics) VALUES ($1, $2, $3, $4, $5) RETURNING created_at',
      [id, companyId, parsed.data.url, secret, parsed.data.topics],
    );
    return {
      id,
      url: parsed.data.url,
      topics: parsed.data.topics,
      active: true,
      createdAt: new Date(rows[0]!.created_at).toISOString(),
      secret,
    };
  }

  async list(companyId: string): Promise<WebhookView[]> {
    const { rows } = await this.#store.query<{
      id: string;
      url: string;
      topics: string[];
      active: boolean;
      created_at: Date;
    }>('SELECT id, url, topics, active, created_at FROM webhooks WHERE company_id = $1 ORDER BY created_at', [
      companyId,
    ]);
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      topics: r.topics,
      active: r.active,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  async remove(companyId: string, id: string): Promise<void> {
    const { rowCount } = await this.#store.query('DELETE FROM webhooks WHERE company_id = $1 AND id = $2', [
      companyId,
      id,
    ]);
    if (rowCount === 0) throw notFound(`There is no webhook ${id} in this company.`);
  }

  async deliveries(companyId: string, webhookId: string): Promise<DeliveryView[]> {
    const { rows } = await this.#store.query<{
      id: number;
      topic: string;
      event_id: string;
      status: string;
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      delivered_at: Date | null;
    }>(
      `SELECT id, topic, event_id, status, attempts, last_status, last_error, delivered_at FROM webhook_deliveries
        WHERE company_id = $1 AND webhook_id = $2 ORDER BY id DESC LIMIT 500`,
      [companyId, webhookId],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      topic: r.topic,
      eventId: r.event_id,
      status: r.status,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    }));
  }

  /** Writes the deliveries the applied events raise, inside the upload transaction. */
  async enqueue(q: Queryable, station: StationAuth, events: readonly EventForHook[]): Promise<void> {
    const raising = events
      .map((event) => ({ event, topic: topicOf(event.type, event.payload) }))
      .filter((e): e is { event: EventForHook; topic: WebhookTopic } => e.topic !== null);
    if (raising.length === 0) return;
    const hooks = await q.query<{ id: string; topics: string[] }>(
      'SELECT id, topics FROM webhooks WHERE company_id = $1 AND active',
      [station.companyId],
    );
    const ids: string[] = [];
    const topics: string[] = [];
    const eventIds: string[] = [];
    const bodies: string[] = [];
    for (const hook of hooks.rows) {
      for (const { event, topic } of raising) {
        if (!hook.topics.includes(topic)) continue;
        ids.push(hook.id);
        topics.push(topic);
        eventIds.push(event.id);
        bodies.push(
          JSON.stringify({
            topic,
            companyId: station.companyId,
            station: { id: station.stationId, name: station.name },
            event: {
              id: event.id,
              seq: event.seq,
              type: event.type,
              subject: event.subject,
              operatorId: event.operatorId,
              occurredAt: event.createdAt,
              // The current shape, whatever app version recorded the event (as in the feed).
              ...servedPayload(event.type ?? '', event.schemaVersion ?? 1, event.payload),
            },
          }),
        );
      }
    }
    if (ids.length === 0) return;
    await q.query(
      `INSERT INTO webhook_deliveries (company_id, webhook_id, topic, event_id, body)
       SELECT $1, u.webhook_id, u.topic, u.event_id, u.body FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
         AS u(webhook_id, topic, event_id, body)
       ON CONFLICT DO NOTHING`,
      [station.companyId, ids, topics, eventIds, bodies],
    );
  }

  /** Starts the dispatcher loop. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    while (this.#running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.runOnce().finally(() => this.#schedule(this.#options.pollMs));
    }, ms);
    this.#timer.unref();
  }

  /** Delivers what is due now; returns how many deliveries were attempted. */
  async runOnce(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    try {
      const leaseMs = this.#options.timeoutMs * 3;
      const due = await this.#store.tx(async (q) => {
        const claimed = await q.query<{
          id: number;
          url: string;
          secret: string;
          topic: string;
          body: string;
          attempts: number;
        }>(
          `WITH due AS (
             SELECT d.id FROM webhook_deliveries d
              WHERE d.status = 'pending' AND d.next_attempt_at <= now()
              ORDER BY d.next_attempt_at, d.id LIMIT 20 FOR UPDATE SKIP LOCKED)
           UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000)
             FROM due, webhooks h
            WHERE d.id = due.id AND h.id = d.webhook_id
           RETURNING d.id, h.url, h.secret, d.topic, d.body, d.attempts`,
          [leaseMs],
        );
        return claimed.rows;
      });
      await Promise.all(due.map((delivery) => this.#deliver(delivery)));
      return due.length;
    } catch (error) {
      this.#log.warn({ err: error }, 'webhook dispatch failed');
      return 0;
    } finally {
      this.#running = false;
    }
  }

  async #deliver(delivery: {
    id: number;
    url: string;
    secret: string;
    topic: string;
    body: string;
    attempts: number;
  }): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'benchline-topic': delivery.topic,
          'benchline-delivery': String(delivery.id),
          'benchline-signature': signature(delivery.secret, delivery.body, Math.floor(Date.now() / 1000)),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (caught) {
      error = (caught as Error).message.slice(0, 500);
    }
    const attempts = delivery.attempts + 1;
    if (error === null) {
      await this.#store.query(
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = $2::int, last_status = $3::int, last_error = NULL, delivered_at = now() WHERE id = $1",
        [delivery.id, attempts, status],
      );
      return;
    }
    const { retryBaseMs, retryCapMs, maxAttempts } = this.#options;
    const delay = Math.min(retryCapMs, retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() * 0.5);
    await this.#store.query(
      `UPDATE webhook_deliveries SET attempts = $2::int, last_status = $3::int, last_error = $4::text,
              status = CASE WHEN $2::int >= $5::int THEN 'failed' ELSE 'pending' END,
              next_attempt_at = now() + make_interval(secs => $6::double precision / 1000)
        WHERE id = $1`,
      [delivery.id, attempts, status, error, maxAttempts, delay],
    );
  }
}

export type DeliveryView = {
  id: number;
  topic: string;
  eventId: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
};
