import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.BENCHLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type Postgres = {
  /** A connection string for a fresh database of this cluster. */
  database(name?: string): Promise<string>;
  /** Connection string of the cluster's `postgres` database. */
  url: string;
  dir: string;
  /** The cluster's data folder (`postmaster.pid` names its server process). */
  dataDir: string;
  port: number;
  stop(): Promise<void>;
};

let databases = 0;

/** A free TCP port on loopback (the cluster listens only on its Unix socket, but needs a number). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(args: string[]): void {
  const result = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr || result.stdout}`);
}

/**
 * A throwaway PostgreSQL cluster from the Debian package: initdb in a temporary folder, run as the
 * `postgres` user, listening only on a Unix socket in that folder. `fsync` is off unless asked for
 * (the tests kill the cloud service, never PostgreSQL itself).
 */
export async function startPostgres(options: { fsync?: boolean; maxConnections?: number } = {}): Promise<Postgres> {
  if (!existsSync(join(BIN, 'initdb')))
    throw new Error(
      `PostgreSQL is not installed at ${BIN}: run scripts/install-system-deps.sh (package "postgresql").`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'benchline-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  asPostgres([join(BIN, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=''",
    `-c fsync=${options.fsync ? 'on' : 'off'}`,
    `-c max_connections=${options.maxConnections ?? 200}`,
    '-c shared_buffers=128MB',
  ].join(' ');
  asPostgres([join(BIN, 'pg_ctl'), '-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', 'start']);
  const url = `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`;
  return {
    url,
    dir,
    dataDir: data,
    port,
    async database(name = `bench_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@localhost:${port}/${name}?host=${encodeURIComponent(dir)}`;
    },
    stop() {
      spawnSync('runuser', ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'], {
        encoding: 'utf8',
      });
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
