import { spawn } from 'node:child_process';
import { TransportError, type SendResult, type SpooledState } from './transport';

export type CupsOptions = {
  /** Paths of the CUPS client programs; found on PATH by default. */
  lp?: string;
  lpstat?: string;
  /** How long a CUPS command may take before it counts as failed. */
  timeoutMs?: number;
  /** A CUPS server other than the local one (`CUPS_SERVER`: host[:port] or a socket path). */
  server?: string;
};

export type CupsQueue = {
  name: string;
  uri: string | null;
  isDefault: boolean;
  enabled: boolean;
  accepting: boolean;
  state: string;
};

type Run = { code: number | null; stdout: string; stderr: string; error: NodeJS.ErrnoException | null };

/**
 * CUPS through its command-line clients (`lp`, `lpstat`), on Linux and macOS: discovery of the
 * queues, printing a PDF (or ZPL with `-o raw`) from stdin, and following the job.
 *
 * `lp` says "the printer or class does not exist" both for an unknown queue and when the
 * scheduler is down; `lpstat -r` tells which, so the operator reads the right fix.
 */
export class CupsClient {
  readonly #lp: string;
  readonly #lpstat: string;
  readonly #timeoutMs: number;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: CupsOptions = {}) {
    this.#lp = options.lp ?? 'lp';
    this.#lpstat = options.lpstat ?? 'lpstat';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // C locale: the messages parsed here are the English ones.
    this.#env = { ...process.env, LANG: 'C', LC_ALL: 'C', ...(options.server ? { CUPS_SERVER: options.server } : {}) };
  }

  /** Whether the CUPS scheduler answers. */
  async running(): Promise<boolean> {
    const result = await this.#run(this.#lpstat, ['-r']);
    if (result.error) return false;
    return /scheduler is running/i.test(result.stdout);
  }

  /** The queues CUPS knows, with their device, state and whether they take jobs. */
  async discover(): Promise<CupsQueue[]> {
    const [names, devices, printers, accepting, fallback] = await Promise.all([
      this.#run(this.#lpstat, ['-e']),
      this.#run(this.#lpstat, ['-v']),
      this.#run(this.#lpstat, ['-p']),
      this.#run(this.#lpstat, ['-a']),
      this.#run(this.#lpstat, ['-d']),
    ]);
    if (names.error?.code === 'ENOENT') throw missing();
    if (!(await this.running())) throw down();
    return parseDiscovery({
      names: names.stdout,
      devices: devices.stdout,
      printers: printers.stdout,
      accepting: accepting.stdout,
      fallback: fallback.stdout,
    });
  }

  /**
   * Sends a document to a queue. Before sending, the queue is checked: a stopped (disabled)
   * queue would hold the job silently, so it fails now, with the command that fixes it.
   */
  async print(
    queue: string,
    document: Buffer,
    options: { title: string; widthPt: number; heightPt: number; copies: number; raw: boolean; extra: string[] },
  ): Promise<SendResult> {
    const state = await this.#run(this.#lpstat, ['-p', queue]);
    if (state.error?.code === 'ENOENT') throw missing();
    if (state.code !== 0) {
      if (!(await this.running())) throw down();
      throw unknownQueue(queue);
    }
    if (/\bdisabled\b/.test(state.stdout))
      throw new TransportError(
        'QUEUE_STOPPED',
        `The CUPS queue "${queue}" is stopped: check the printer (paper, ribbon, head), then start the queue again (cupsenable ${queue}) and retry.`,
        { retryable: true },
      );
    const args = ['-d', queue, '-t', options.title, '-n', String(options.copies)];
    args.push('-o', `media=Custom.${Math.round(options.widthPt)}x${Math.round(options.heightPt)}`);
    if (options.raw) args.push('-o', 'raw');
    for (const option of options.extra) args.push('-o', option);
    const result = await this.#run(this.#lp, args, document);
    if (result.error?.code === 'ENOENT') throw missing();
    if (result.error && result.code === null)
      throw new TransportError('LP_FAILED', `lp did not finish: ${result.error.message}`, { retryable: true });
    if (result.code !== 0) {
      const message = (result.stderr || result.stdout).trim();
      if (/not accepting/i.test(message))
        throw new TransportError(
          'QUEUE_REJECTING',
          `The CUPS queue "${queue}" is not accepting jobs: accept them again (cupsaccept ${queue}) and retry.`,
          { retryable: true },
        );
      if (/does not exist|not found|Invalid destination/i.test(message)) {
        if (!(await this.running())) throw down();
        throw unknownQueue(queue);
      }
      if (!(await this.running())) throw down();
      throw new TransportError('LP_FAILED', `CUPS refused the job: ${message || `lp exited with ${result.code}`}`, {
        retryable: true,
      });
    }
    const id = /request id is (\S+)/.exec(result.stdout)?.[1] ?? null;
    return { externalId: id, printed: false };
  }

  /** Where jobs sent earlier to a queue stand: still in it, completed, or no longer known. */
  async jobStates(queue: string, externalIds: string[]): Promise<Map<string, SpooledState>> {
    const [pending, done] = await Promise.all([
      this.#run(this.#lpstat, ['-o', queue]),
      this.#run(this.#lpstat, ['-W', 'completed', '-o', queue]),
    ]);
    const states = new Map<string, SpooledState>();
    for (const id of externalIds) {
      if (pending.code === 0 && listsJob(pending.stdout, id)) states.set(id, 'pending');
      else if (done.code === 0 && listsJob(done.stdout, id)) states.set(id, 'completed');
      else states.set(id, 'unknown');
    }
    return states;
  }

  #run(command: string, args: string[], input?: Buffer): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { env: this.#env, stdio: 'pipe' });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let error: NodeJS.ErrnoException | null = null;
      const timer = setTimeout(() => {
        error = Object.assign(new Error(`${command} timed out after ${this.#timeoutMs} ms`), { code: 'ETIMEDOUT' });
        child.kill('SIGKILL');
      }, this.#timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (e: NodeJS.ErrnoException) => {
        error = e;
      });
      child.stdin.on('error', () => undefined);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          code: error ? null : code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          error,
        });
      });
      if (input) child.stdin.end(input);
      else child.stdin.end();
    });
  }
}

function listsJob(output: string, externalId: string): boolean {
  return output.split('\n').some((line) => line.split(/\s+/)[0] === externalId);
}

function missing(): TransportError {
  return new TransportError(
    'CUPS_MISSING',
    'The CUPS client (lp, lpstat) is not installed on this computer: install CUPS, or print to a ZPL printer on port 9100.',
    { retryable: false },
  );
}

function down(): TransportError {
  return new TransportError(
    'CUPS_DOWN',
    'CUPS is not running on this computer: start it (systemctl start cups), then retry.',
    { retryable: true },
  );
}

function unknownQueue(queue: string): TransportError {
  return new TransportError(
    'PRINTER_UNKNOWN',
    `CUPS has no printer queue called "${queue}": choose an existing queue in Settings → Printers (lpstat -e lists them).`,
    { retryable: true },
  );
}

/** Reads the outputs of `lpstat -e`, `-v`, `-p`, `-a` and `-d` into a list of queues. */
export function parseDiscovery(out: {
  names: string;
  devices: string;
  printers: string;
  accepting: string;
  fallback: string;
}): CupsQueue[] {
  const names = out.names
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const uri = new Map<string, string>();
  for (const match of out.devices.matchAll(/^device for ([^:]+):\s*(\S+)/gm)) uri.set(match[1]!, match[2]!);
  const state = new Map<string, { enabled: boolean; state: string }>();
  for (const match of out.printers.matchAll(/^printer (\S+) (.*)$/gm)) {
    const text = match[2]!;
    state.set(match[1]!, {
      enabled: !/\bdisabled\b/.test(text),
      state: /\bdisabled\b/.test(text)
        ? 'stopped'
        : /\bidle\b/.test(text)
          ? 'idle'
          : /printing/.test(text)
            ? 'printing'
            : 'unknown',
    });
  }
  const accepting = new Map<string, boolean>();
  for (const match of out.accepting.matchAll(/^(\S+) (not )?accepting/gm))
    accepting.set(match[1]!, match[2] === undefined);
  const fallback = /system default destination: (\S+)/.exec(out.fallback)?.[1] ?? null;
  return names.map((name) => ({
    name,
    uri: uri.get(name) ?? null,
    isDefault: name === fallback,
    enabled: state.get(name)?.enabled ?? true,
    accepting: accepting.get(name) ?? true,
    state: state.get(name)?.state ?? 'unknown',
  }));
}
