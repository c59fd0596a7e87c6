/**
 * core.call — the round trip of one trivial contract call in web mode: the built core
 * (`out/main/standalone.js`) in its own process on a fresh data folder, a WebSocket client built
 * on the same RpcClient as the windows, and `session.current` with `{}` called sequentially, each
 * call awaited before the next. What is measured is the fixed cost every call pays before its
 * handler does any work: JSON both ways, the socket, the call-frame and input parsing, the
 * dispatcher's session check, the output parse, and the client's result parse.
 *
 * Budgets (DESIGN.md): the floor under "any `call` … p99 ≤ 50 ms" and under the scan's
 * "keystroke → verdict painted p95 ≤ 50 ms".
 */
import { startCore, type RunningCore } from '../tests/support/core-process';
import { tempDir } from '../tests/support/paths';
import { connectCore } from '../tests/support/ws-client';
import { log, micros, percentile, round, runBenchmark } from './support/figures';

/** Calls before measuring: JIT of both processes, the socket's buffers, SQLite's page cache. */
const WARMUP = 1000;
const N = 5000;

runBenchmark('core.call', async () => {
  const temp = tempDir('benchline-bench-call-');
  let core: RunningCore | null = null;
  // Stopped from outside (the runner's time limit, Ctrl-C): take the core down too, or it would
  // outlive us. (A core still starting gets EPIPE on its ready line and exits by itself.)
  const abort = (): void => {
    void (core?.kill() ?? Promise.resolve()).finally(() => {
      temp.remove();
      process.exit(1);
    });
  };
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  const samples = new Float64Array(N);
  try {
    core = await startCore({ dataDir: temp.dir });
    const client = await connectCore(core.port, core.token);
    try {
      for (let i = 0; i < WARMUP; i++) {
        const result = await client.call('session.current', {});
        if (!result.ok) throw new Error(`session.current failed: ${result.error.code} ${result.error.message}`);
      }
      for (let i = 0; i < N; i++) {
        const start = process.hrtime.bigint();
        const result = await client.call('session.current', {});
        const end = process.hrtime.bigint();
        if (!result.ok) throw new Error(`session.current failed: ${result.error.code} ${result.error.message}`);
        samples[i] = micros(start, end);
      }
    } finally {
      await client.close();
    }
  } finally {
    if (core) {
      await core.stop();
      // The core logs at warn and above: anything it said during the run is worth seeing.
      if (core.stderr().trim() !== '') log(`core stderr:\n${core.stderr()}`);
    }
    temp.remove();
  }
  samples.sort();
  return {
    n: N,
    p50_us: round(percentile(samples, 50), 1),
    p99_us: round(percentile(samples, 99), 1),
    max_us: round(samples[samples.length - 1]!, 1),
  };
});
