/**
 * A benchmark's figures: numbers only, each with its unit in the key (`p50_us`, `per_s`, `ratio`,
 * `n`), so a reader of the JSON line never has to guess what 212 means.
 */
export type Figures = Record<string, number>;

/** Logs a line to stderr: stdout belongs to the benchmark's one JSON line. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Runs a benchmark body and prints its figures as the one JSON line on stdout. Any error goes to
 * stderr with a non-zero exit, and nothing is printed on stdout — a half-measured run must not
 * look like a result.
 */
export function runBenchmark(name: string, body: () => Promise<Figures> | Figures): void {
  Promise.resolve()
    .then(body)
    .then((figures) => {
      for (const [key, value] of Object.entries(figures)) {
        if (!Number.isFinite(value)) throw new Error(`figure ${key} is not a finite number: ${value}`);
      }
      process.stdout.write(`${JSON.stringify({ name, ...figures })}\n`);
    })
    .catch((error: unknown) => {
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    });
}

/** The nearest-rank percentile (0 < p ≤ 100) of samples sorted ascending. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Rounds for display: figures carry the precision the measurement has, not fifteen digits. */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Nanoseconds between two `process.hrtime.bigint()` readings, in microseconds. */
export function micros(start: bigint, end: bigint): number {
  return Number(end - start) / 1000;
}
