import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENV = { ...process.env, LANG: 'C', LC_ALL: 'C' };

/** The cups-pdf test printer: PDFs land in the cups-pdf output folder. */
export const CUPS_PDF_QUEUE = 'BenchPDF';
const PPD = 'lsb/usr/cups-pdf/CUPS-PDF_opt.ppd';

async function sh(command: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { env: ENV, timeout: 15_000 });
    return { ok: true, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

async function schedulerRunning(): Promise<boolean> {
  return /scheduler is running/.test((await sh('lpstat', ['-r'])).out);
}

/**
 * Starts the CUPS scheduler if it is not running, and adds the cups-pdf queue if missing. A test
 * that needs CUPS fails here with what to do — it is never skipped.
 */
export async function ensureCups(): Promise<void> {
  if (!existsSync('/usr/sbin/cupsd') || !(await sh('which', ['lp'])).ok)
    throw new Error(
      'CUPS is not installed: run "sudo bash scripts/install-system-deps.sh" (packages cups and printer-driver-cups-pdf).',
    );
  if (!(await schedulerRunning())) {
    // cupsd forks into the background itself.
    const started = await sh('/usr/sbin/cupsd', []);
    for (let i = 0; i < 50 && !(await schedulerRunning()); i++) await new Promise((r) => setTimeout(r, 200));
    if (!(await schedulerRunning()))
      throw new Error(`The CUPS scheduler (/usr/sbin/cupsd) did not start: ${started.out.trim() || 'no output'}`);
  }
  const queue = await sh('lpstat', ['-p', CUPS_PDF_QUEUE]);
  if (!queue.ok) {
    const added = await sh('lpadmin', ['-p', CUPS_PDF_QUEUE, '-v', 'cups-pdf:/', '-E', '-m', PPD]);
    if (!added.ok)
      throw new Error(
        `Could not add the cups-pdf queue (is printer-driver-cups-pdf installed, and may this user run lpadmin?): ${added.out.trim()}`,
      );
  }
  // Poppler's cairo renderer keeps the embedded fonts' text readable by pdftotext once cups-pdf
  // has rebuilt the PDF (the default, Ghostscript, turns the text into Type 3 glyphs).
  await sh('lpadmin', ['-p', CUPS_PDF_QUEUE, '-o', 'pdftops-renderer-default=pdftocairo']);
  await sh('cupsenable', [CUPS_PDF_QUEUE]);
  await sh('cupsaccept', [CUPS_PDF_QUEUE]);
}

/** Adds a cups-pdf queue and stops it (cupsdisable): jobs would wait in it silently. */
export async function stoppedQueue(name: string): Promise<void> {
  await sh('lpadmin', ['-p', name, '-v', 'cups-pdf:/', '-E', '-m', PPD]);
  await sh('cupsdisable', [name]);
}

export async function removeQueue(name: string): Promise<void> {
  await sh('cancel', ['-a', name]);
  await sh('lpadmin', ['-x', name]);
}

/** Where cups-pdf writes the PDFs of this user (`Out` in /etc/cups/cups-pdf.conf). */
export function cupsPdfFolder(): string {
  let out = '${HOME}/PDF';
  try {
    const conf = readFileSync('/etc/cups/cups-pdf.conf', 'utf8');
    out = /^Out\s+(.+)$/m.exec(conf)?.[1]?.trim() ?? out;
  } catch {
    // The package default.
  }
  return out.replace('${HOME}', homedir()).replace('${USER}', process.env.USER ?? 'root');
}

/**
 * Waits for the PDF cups-pdf makes of a job (named from the job title), complete: its size
 * stops changing and it ends with %%EOF.
 */
export async function waitForCupsPdf(titlePrefix: string, timeoutMs = 30_000): Promise<string> {
  const folder = cupsPdfFolder();
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const file = existsSync(folder)
      ? readdirSync(folder).find((f) => f.startsWith(titlePrefix) && f.endsWith('.pdf'))
      : undefined;
    if (file) {
      const path = join(folder, file);
      const size = statSync(path).size;
      if (size > 0 && size === last && readFileSync(path).subarray(-32).toString('latin1').includes('%%EOF'))
        return path;
      last = size;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`cups-pdf wrote no PDF starting "${titlePrefix}" in ${folder} within ${timeoutMs / 1000} s`);
}

export async function pdftotext(path: string): Promise<string> {
  const { stdout } = await run('pdftotext', ['-layout', path, '-'], { env: ENV });
  return stdout;
}

export async function pdfPageSize(path: string): Promise<string> {
  const { stdout } = await run('pdfinfo', [path], { env: ENV });
  return /Page size:\s+(.+)/.exec(stdout)?.[1]?.trim() ?? '';
}
