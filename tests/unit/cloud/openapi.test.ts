import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pino from 'pino';
import type * as FastifyModule from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { carrierLabelSchema } from '#shared/labels/data';
import {
  enrolRequestSchema,
  enrolResponseSchema,
  errorResponseSchema,
  newIncarnationRequestSchema,
  pullResponseSchema,
  pushResponseSchema,
  stateResponseSchema,
} from '#shared/sync/protocol';
import { EVENT_PAYLOAD_SHAPES } from '#shared/sync/event-payloads';
import { COLLECTIONS, DOC_SCHEMAS, STREAMS } from '#shared/sync/records';
import type { Store } from '../../../src/cloud/db/store';
import { buildCloud } from '../../../src/cloud/server';
import { OUTCOME_CATEGORIES } from '../../../src/cloud/services/feed';
import { WEBHOOK_TOPICS } from '../../../src/cloud/services/webhooks';
import { ROOT } from '../../support/paths';

/**
 * docs/openapi.yaml cannot drift from the service: the routes Fastify registers are the paths the
 * file documents, and the file's schemas have the fields of the zod schemas the service parses with.
 */

// Every route as Fastify registers it: an onRoute hook added as the instance is created, before
// buildCloud registers anything.
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof FastifyModule>();
  const fastify = actual.default as (...args: unknown[]) => FastifyModule.FastifyInstance;
  const create = ((...args: unknown[]) => {
    const app = fastify(...args);
    app.addHook('onRoute', (route) => {
      const methods: readonly string[] = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) registered.push({ method: String(method), url: route.url });
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: create };
});

// js-yaml comes with the dev tools (electron-builder); it has no type declarations of its own.
const { load } = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };

type Schema = { properties?: Record<string, unknown>; required?: string[]; enum?: unknown[] };
type Operation = { operationId?: string; parameters?: { name: string; in: string }[]; responses?: object };
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, { schema: Schema }> };
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** No query runs while the routes are registered. */
const noStore: Store = {
  kind: 'pglite',
  query: () => Promise.reject(new Error('no database in this test')),
  each: () => Promise.reject(new Error('no database in this test')),
  tx: () => Promise.reject(new Error('no database in this test')),
  close: () => Promise.resolve(),
};

function readSpec(): OpenApi {
  return load(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8')) as OpenApi;
}

function documentedRoutes(spec: OpenApi): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('docs/openapi.yaml', () => {
  it('parses as OpenAPI 3.1 with an operation id and answers for every operation', () => {
    const spec = readSpec();
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-zA-Z]+$/);
        expect(ids.has(operation.operationId!), `operationId ${operation.operationId} twice`).toBe(false);
        ids.add(operation.operationId!);
        expect(Object.keys(operation.responses ?? {}).length, `${method} ${path} answers`).toBeGreaterThan(0);
      }
    }
  });

  it('documents exactly the routes the cloud registers', async () => {
    const cloud = buildCloud({ store: noStore, log: pino({ level: 'silent' }), version: 'test', adminToken: 'x' });
    await cloud.app.ready();
    await cloud.app.close();
    const all = registered.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    // Fastify answers HEAD for every GET route by itself; only HEAD routes of our own are documented.
    const gets = new Set(all.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)));
    const routes = all.filter((r) => !(r.startsWith('HEAD ') && gets.has(r.slice(5))));
    expect(routes.length).toBeGreaterThan(20);
    expect(new Set(routes).size).toBe(routes.length);
    expect(documentedRoutes(readSpec()).sort()).toEqual([...routes].sort());
  });

  it('answers the health check with 503, as documented, while the database does not answer', async () => {
    const cloud = buildCloud({ store: noStore, log: pino({ level: 'silent' }), version: 'test', adminToken: 'x' });
    const answer = await cloud.app.inject({ method: 'GET', url: '/health' });
    await cloud.app.close();
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ ok: false, error: 'unavailable' });
    expect(Object.keys(readSpec().paths['/health']!['get']!.responses ?? {})).toContain('503');
  });

  it('declares every path parameter of every path', () => {
    const spec = readSpec();
    const resolve = (p: { name?: string; in?: string; $ref?: string }) =>
      p.$ref ? (spec.components.parameters[p.$ref.split('/').pop()!] as unknown as { name: string; in: string }) : p;
    for (const [path, item] of Object.entries(spec.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const declared = (operation.parameters ?? [])
          .map((p) => resolve(p as never))
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(declared, `${method} ${path}`).toEqual(inPath);
      }
    }
  });

  it('lists the collections, streams, outcome categories and webhook topics the code has', () => {
    const { components } = readSpec();
    expect(components.parameters['collection']!.schema.enum).toEqual(Object.keys(COLLECTIONS));
    expect(components.parameters['stream']!.schema.enum).toEqual([...STREAMS]);
    expect(components.schemas['OutcomeCategory']!.enum).toEqual(Object.keys(OUTCOME_CATEGORIES));
    expect(components.schemas['WebhookTopic']!.enum).toEqual([...WEBHOOK_TOPICS]);
    const types = Object.values(OUTCOME_CATEGORIES).flat();
    expect(components.schemas['Outcome']!.properties!['type']).toMatchObject({ enum: types });
  });

  it('gives each schema the fields and required fields of the zod schema the service uses', () => {
    const { components } = readSpec();
    const pairs: [string, z.ZodType, 'input' | 'output'][] = [
      ['PolicyDoc', DOC_SCHEMAS.policy, 'input'],
      ['OperatorDoc', DOC_SCHEMAS.operator, 'input'],
      ['RmaDoc', DOC_SCHEMAS.rma, 'input'],
      ['RmaReceiptDoc', DOC_SCHEMAS.rma_receipt, 'output'],
      ['OrderDoc', DOC_SCHEMAS.order, 'input'],
      ['BrandDoc', DOC_SCHEMAS.brand, 'input'],
      ['ProductDoc', DOC_SCHEMAS.product, 'input'],
      ['CustomerDoc', DOC_SCHEMAS.customer, 'input'],
      ['CarrierLabel', carrierLabelSchema, 'input'],
      ['EnrolRequest', enrolRequestSchema, 'input'],
      ['EnrolResponse', enrolResponseSchema, 'output'],
      ['StateResponse', stateResponseSchema, 'output'],
      ['NewIncarnationRequest', newIncarnationRequestSchema, 'input'],
      ['PushResponse', pushResponseSchema, 'output'],
      ['PullResponse', pullResponseSchema, 'output'],
      ['Error', errorResponseSchema, 'output'],
      // The current shape of the one event payload that has changed, as the feed serves it.
      ['ItemGradedPayload', EVENT_PAYLOAD_SHAPES.get('returns.item_graded')!.at(-1)!.schema, 'output'],
    ];
    for (const [name, schema, io] of pairs) {
      const expected = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
      const documented = components.schemas[name];
      expect(documented, name).toBeDefined();
      expect(Object.keys(documented!.properties ?? {}).sort(), `${name} fields`).toEqual(
        Object.keys(expected.properties ?? {}).sort(),
      );
      expect([...(documented!.required ?? [])].sort(), `${name} required`).toEqual(
        [...(expected.required ?? [])].sort(),
      );
    }
  });
});
