// Runs the benchmarks of bench/: `npm run bench` runs every one, `npm run bench -- core.call` one by
// name (several names run in the order given).
//
// A benchmark is `bench/<name>.bench.ts`, run with tsx in its own process, one after another so two
// never compete for the two cores or the disk. It prints exactly one JSON line on stdout —
// `{"name": "<name>", ...figures}`, every figure a number with its unit in the key — and logs to
// stderr. This runner forwards that line to its own stdout, and nothing else: everything else
// (the native-module check, the build, the benchmarks' logs) goes to stderr, so
// `node scripts/bench.mjs > figures.jsonl` (or `npm run -s bench`) gives machine-readable lines.
// Exit 1 if any benchmark exits non-zero or does not print one valid line; 2 for a usage error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = join(ROOT, 'bench');
const SUFFIX = '.bench.ts';
const STANDALONE = join(ROOT, 'out', 'main', 'standalone.js');
// What the build is made from: the core, shared, the renderer (the browser benchmarks load it),
// the build config, and package.json (the version is compiled in).
const BUILD_INPUTS = ['src/core', 'src/shared', 'src/renderer', 'electron.vite.config.ts', 'package.json'];
// A benchmark that has not finished in this time is stuck (a core that never answers), not slow.
const TIMEOUT_MS = 10 * 60_000;
const WIN = process.platform === 'win32';

/** @param {string} message */
function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function benchmarkNames() {
  return readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort();
}

/** The newest modification time under a file or folder, in ms. @param {string} path @returns {number} */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Runs a command to completion with its stdout sent to our stderr. @param {string} command @param {string[]} args */
function runToStderr(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 2, 2], shell: WIN });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    log(`"${[command, ...args].join(' ')}" failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

function ensureBuilt() {
  const inputs = BUILD_INPUTS.map((input) => join(ROOT, input)).filter((input) => existsSync(input));
  const newestInput = Math.max(...inputs.map(newestMtime));
  if (existsSync(STANDALONE) && statSync(STANDALONE).mtimeMs >= newestInput) return;
  log(existsSync(STANDALONE) ? 'sources changed since the last build: building' : 'no build yet: building');
  runToStderr('npx', ['electron-vite', 'build']);
}

/**
 * The benchmark's one line, or why there is none: exactly one non-empty line on stdout, a JSON
 * object whose `name` is the benchmark's and whose other members are finite numbers.
 * @param {string} name @param {string} stdout @returns {{ line: string } | { error: string }}
 */
function parseFigures(name, stdout) {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) return { error: `printed ${lines.length} lines on stdout, not exactly one JSON line` };
  const line = lines[0].trim();
  let figures;
  try {
    figures = JSON.parse(line);
  } catch {
    return { error: `printed something that is not JSON: ${line.slice(0, 200)}` };
  }
  if (typeof figures !== 'object' || figures === null || Array.isArray(figures))
    return { error: 'printed JSON that is not an object' };
  if (figures.name !== name) return { error: `printed name ${JSON.stringify(figures.name)}, expected "${name}"` };
  const bad = Object.entries(figures).filter(([key, value]) => key !== 'name' && !Number.isFinite(value));
  if (bad.length > 0) return { error: `figures that are not finite numbers: ${bad.map(([key]) => key).join(', ')}` };
  if (Object.keys(figures).length < 2) return { error: 'printed no figures' };
  return { line };
}

/** @param {string} tsxCli @param {string} name @returns {Promise<boolean>} */
function runBenchmark(tsxCli, name) {
  const file = join(BENCH_DIR, `${name}${SUFFIX}`);
  log(`running ${name} (${relative(ROOT, file)})`);
  return new Promise((done) => {
    // In-process benchmarks run the core as the product does: with its heap flags
    // (src/shared/util/node-flags.ts), for tsx's process and the benchmark's.
    const env = {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-semi-space-size=64'].filter(Boolean).join(' '),
    };
    const child = spawn(process.execPath, [tsxCli, file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    // SIGTERM, not SIGKILL: tsx relays it to the benchmark, which then stops the core it started.
    const timer = setTimeout(() => {
      log(`${name} did not finish in ${TIMEOUT_MS / 60_000} minutes: stopping it`);
      child.kill('SIGTERM');
    }, TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      log(`${name} could not start: ${error.message}`);
      done(false);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        log(`${name} failed (exit ${code ?? signal})`);
        if (stdout.trim() !== '') log(`its stdout:\n${stdout}`);
        return done(false);
      }
      const parsed = parseFigures(name, stdout);
      if ('error' in parsed) {
        log(`${name} ${parsed.error}`);
        return done(false);
      }
      process.stdout.write(`${parsed.line}\n`);
      done(true);
    });
  });
}

async function main() {
  const available = benchmarkNames();
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    log(
      `no benchmark named ${unknown.map((name) => `"${name}"`).join(', ')}. ` +
        `The benchmarks are: ${available.join(', ') || '(none)'}.\n` +
        'Run them all with "npm run bench", or one with "npm run bench -- <name>".',
    );
    process.exit(2);
  }
  const names = asked.length > 0 ? asked : available;
  if (names.length === 0) {
    log(`there is no ${SUFFIX} file in bench/`);
    process.exit(2);
  }

  // Plain Node must load better-sqlite3 (after `npm start` it is built for Electron), and the
  // web-mode core the benchmarks start must be the current sources, not a stale build.
  runToStderr(process.execPath, [join(ROOT, 'scripts', 'ensure-node-native.mjs')]);
  ensureBuilt();

  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const failed = [];
  for (const name of names) {
    if (!(await runBenchmark(tsxCli, name))) failed.push(name);
  }
  if (failed.length > 0) {
    log(`failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

await main();
