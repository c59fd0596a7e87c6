/**
 * Node flags for the processes that do the heavy lifting — the core (Electron's utility process,
 * or `standalone.js` in web mode) and the cloud service; `package.json`'s `web` and `cloud`
 * scripts, `scripts/bench.mjs` and docs/deployment.md spell the same flag.
 *
 * A young generation of up to 64 MB a semi-space (V8's default is 16 MB at most): a first sync
 * parses, validates and stages thousands of rows a chunk, and those objects — alive for a chunk's
 * transaction — were copied by each scavenge that caught them. With room for a chunk's garbage
 * they die before a scavenge instead: `sync.pull`'s station CPU 14.6 / 15.1 → 12.8 / 12.4 µs a
 * row, its ratio 0.41 / 0.40 → 0.46 / 0.46 (500 000 rows, alternated runs). V8 grows the young
 * generation only while much of it survives, so an idle core stays small; at most ≈ 150 MB more
 * (the young generation is about three semi-spaces: ≈ 192 MB against 48).
 */
export const HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
