import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { STANDALONE } from './paths';
import { HEAP_FLAGS } from '#shared/util/node-flags';

export type RunningCore = {
  url: string;
  port: number;
  token: string;
  process: ChildProcess;
  /** Everything the process wrote to stderr (its log). */
  stderr: () => string;
  /** SIGKILL, and wait for the exit. */
  kill: () => Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop: () => Promise<void>;
};

/**
 * Starts the web-mode core (the built `out/main/standalone.js`) on a random loopback port and
 * waits for its ready line — never a fixed sleep.
 */
export async function startCore(options: {
  dataDir: string;
  token?: string;
  port?: number;
  args?: string[];
  /** More environment for the process (sync timings, for one). */
  env?: Record<string, string>;
}): Promise<RunningCore> {
  if (!existsSync(STANDALONE))
    throw new Error(`${STANDALONE} is missing: run "npx electron-vite build" first (npm test does).`);
  const token = options.token ?? 'test-token-0123456789';
  const child = spawn(
    process.execPath,
    [
      ...HEAP_FLAGS,
      // Node flags for the core alone (profiling a benchmark: BENCH_CORE_NODE_ARGS="--cpu-prof").
      ...(process.env.BENCH_CORE_NODE_ARGS ?? '').split(' ').filter(Boolean),
      STANDALONE,
      '--data-dir',
      options.dataDir,
      '--port',
      String(options.port ?? 0),
      '--token',
      token,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCHLINE_LOG_LEVEL: 'warn', ...options.env } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`core did not start in time:\n${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('BENCHLINE_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('BENCHLINE_READY '.length)) as { url: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`core exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const port = Number(new URL(ready.url).port);
  return {
    url: ready.url,
    port,
    token,
    process: child,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
