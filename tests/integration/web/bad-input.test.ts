import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES, type MethodName } from '#shared/contract/index';
import { startCore, type RunningCore } from '../../support/core-process';
import { eventTypes, inspectStation } from '../../support/db';
import { tempDir } from '../../support/paths';
import { connectCore, type CoreClient } from '../../support/ws-client';
import { VALID } from '../../support/valid-inputs';
import { DEMO } from '../../support/core-fixture';

const PER_METHOD = 200;

/** JSON is what crosses the WebSocket: judge an input by what arrives. */
function overTheWire(value: unknown): unknown {
  const text = JSON.stringify({ v: value });
  return text === undefined ? undefined : (JSON.parse(text) as { v: unknown }).v;
}

function malformedInputs(method: MethodName, seed: number): unknown[] {
  const valid = VALID[method];
  const keys = Object.keys(valid);
  const weird = fc.oneof(
    fc.anything(),
    fc.string({ maxLength: 5000 }),
    fc.constantFrom(null, true, -1, 1e308, '', ' ', '\u0000', '💥'.repeat(3000), [], {}),
  );
  const arbitrary = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    // One field of the valid input replaced by something else.
    ...keys.map((key) => weird.map((value) => ({ ...valid, [key]: value }))),
    // The valid input without one of its fields.
    ...keys.map((key) => fc.constant(Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)))),
    // The valid input with unexpected extra fields (inputs are strict objects).
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 12 }), weird, { minKeys: 1, maxKeys: 4 })
      .map((extra) => ({ ...extra, ...valid, ...extra })),
    fc.array(weird, { maxLength: 5 }),
    fc.constantFrom('__proto__', 'constructor').map((key) => JSON.parse(`{"${key}": {"polluted": true}}`) as unknown),
  );
  const out: unknown[] = [];
  const seen = new Set<string>();
  let round = 0;
  while (out.length < PER_METHOD && round < 50) {
    for (const candidate of fc.sample(arbitrary, { numRuns: PER_METHOD * 2, seed: seed + round++ })) {
      const sent = overTheWire(candidate);
      const key = JSON.stringify(sent) ?? 'undefined';
      if (seen.has(key) || contract[method].input.safeParse(sent).success) continue;
      seen.add(key);
      out.push(sent);
      if (out.length === PER_METHOD) break;
    }
  }
  return out;
}

let core: RunningCore;
let client: CoreClient;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  core = await startCore({ dataDir: temp.dir });
  client = await connectCore(core.port, core.token);
  // Logged in as a supervisor: every method's role check passes, so only the input decides.
  const login = await client.call('auth.login', { badge: DEMO.supervisor.badge, pin: DEMO.supervisor.pin });
  expect(login.ok).toBe(true);
});

afterAll(async () => {
  await client?.close();
  await core?.stop();
  temp?.remove();
});

describe('malformed input to every contract method', () => {
  it.each(METHOD_NAMES)('%s: 200 malformed inputs each get BAD_INPUT, and nothing is written', async (method) => {
    const inputs = malformedInputs(method, method.length * 7919);
    expect(inputs.length).toBe(PER_METHOD);
    const codes = new Map<string, number>();
    for (const input of inputs) {
      const result = await client.raw(method, input);
      const code = result.ok ? 'ok' : result.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!result.ok)
        expect(result.error.message).toMatch(new RegExp(`Invalid input for ${method.replace('.', '\\.')}`));
    }
    expect(Object.fromEntries(codes)).toEqual({ BAD_INPUT: PER_METHOD });
  });

  it('left the core running, the session as it was, and no record but the login', async () => {
    expect(core.process.exitCode).toBeNull();
    const session = await client.call('session.current', {});
    expect(session).toMatchObject({ ok: true, value: { operator: { id: DEMO.supervisor.id }, locked: false } });
    expect((await client.call('settings.get', {})).ok).toBe(true);
    const db = inspectStation(temp.dir);
    expect(eventTypes(db)).toEqual(['session.login']);
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
    db.close();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
