import pino from 'pino';
import { Core, type CoreOptions } from '../../src/core/app';
import type { MethodInput, MethodName, MethodOutput, Result } from '#shared/contract/index';
import type { CoreFrame } from '#shared/rpc/protocol';
import { tempDir } from './paths';

/** A clock the test moves by hand. */
export type FakeClock = { now: () => number; advance: (ms: number) => void; set: (ms: number) => void };

export function fakeClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)): FakeClock {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms), set: (ms) => (time = ms) };
}

export type CoreFixture = {
  core: Core;
  dataDir: string;
  clock: FakeClock;
  /** Frames the core pushed to the fixture's connection (events, hello). */
  frames: CoreFrame[];
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Calls that must succeed: throws with the error otherwise. */
  ok<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  reopen(): CoreFixture;
  close(): void;
};

/** An in-process core on a fresh data folder, seeded with the demo warehouse. */
export function openCore(
  options: {
    demo?: boolean;
    dataDir?: string;
    clock?: FakeClock;
    random?: () => number;
    /** Printing: CUPS programs and timeouts, 9100 timeouts (tests shorten them). */
    cups?: CoreOptions['cups'];
    raw9100?: CoreOptions['raw9100'];
    /** System printers (the Electron host's relay; a fake in tests). None, as in web mode, by default. */
    systemPrinter?: CoreOptions['systemPrinter'];
    /** HID devices: none by default (tests of devices pass a fake node-hid). */
    hid?: CoreOptions['hid'];
    /** Sync options (timings, fault hooks); sync does not start unless `start` is true. */
    sync?: CoreOptions['sync'];
  } = {},
): CoreFixture {
  const temp = options.dataDir ? null : tempDir();
  const dataDir = options.dataDir ?? temp!.dir;
  const clock = options.clock ?? fakeClock();
  const core = new Core({
    dataDir,
    demo: options.demo ?? true,
    version: 'test',
    log: pino({ level: 'silent' }),
    clock: clock.now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.cups ? { cups: options.cups } : {}),
    ...(options.raw9100 ? { raw9100: options.raw9100 } : {}),
    ...(options.systemPrinter ? { systemPrinter: options.systemPrinter } : {}),
    hid: options.hid ?? false,
    sync: { start: false, ...options.sync },
  });
  const frames: CoreFrame[] = [];
  const connectionId = core.attach((frame) => frames.push(frame)).id;
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> =>
    (await core.call(method, input, connectionId)) as Result<MethodOutput<M>>;
  const fixture: CoreFixture = {
    core,
    dataDir,
    clock,
    frames,
    call,
    ok: async (method, input) => {
      const result = await call(method, input);
      if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    reopen: () => {
      core.close();
      return openCore({ ...options, dataDir, clock });
    },
    close: () => {
      core.close();
      temp?.remove();
    },
  };
  return fixture;
}

export const DEMO = {
  packer: { badge: 'BADGE-P-1001', pin: '1111', id: 'op-packer' },
  qc: { badge: 'BADGE-Q-1002', pin: '2222', id: 'op-qc' },
  returns: { badge: 'BADGE-R-1003', pin: '3333', id: 'op-returns' },
  supervisor: { badge: 'BADGE-S-1004', pin: '4444', id: 'op-supervisor' },
} as const;
