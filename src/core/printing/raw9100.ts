import { Socket } from 'node:net';
import { TransportError, type SendResult } from './transport';

export type Raw9100Options = {
  connectTimeoutMs?: number;
  statusTimeoutMs?: number;
};

/** What a Zebra says in its `~HS` host status, the flags that stop it printing. */
export type HostStatus = {
  paperOut: boolean;
  paused: boolean;
  headOpen: boolean;
  ribbonOut: boolean;
  overTemperature: boolean;
  underTemperature: boolean;
  bufferFull: boolean;
  formatsInBuffer: number;
};

const ETX = 0x03;
const CHECK = 'check the printer (paper, ribbon, head)';

/**
 * Parses the three `<STX>…<ETX><CR><LF>` strings of a `~HS` answer (ZPL II programming guide):
 * string 1 `aaa,b,c,dddd,eee,f,g,h,iii,j,k,l` (b paper out, c pause, e formats in the buffer,
 * f buffer full, k under temperature, l over temperature); string 2
 * `mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www` (o head up, p ribbon out).
 */
export function parseHostStatus(answer: string): HostStatus | null {
  // eslint-disable-next-line no-control-regex -- STX and ETX frame the answer
  const strings = [...answer.matchAll(/\x02([^\x03]*)\x03/g)].map((m) => m[1]!.split(','));
  if (strings.length < 2) return null;
  const [one, two] = strings as [string[], string[]];
  if (one.length < 12 || two.length < 4) return null;
  const flag = (value: string | undefined): boolean => value?.trim() === '1';
  return {
    paperOut: flag(one[1]),
    paused: flag(one[2]),
    formatsInBuffer: Number(one[4]) || 0,
    bufferFull: flag(one[5]),
    underTemperature: flag(one[10]),
    overTemperature: flag(one[11]),
    headOpen: flag(two[2]),
    ribbonOut: flag(two[3]),
  };
}

/** The stopping conditions in a status, in words; empty when the printer can print. */
export function statusProblems(status: HostStatus): string[] {
  const problems: string[] = [];
  if (status.paperOut) problems.push('paper out');
  if (status.ribbonOut) problems.push('ribbon out');
  if (status.headOpen) problems.push('head open');
  if (status.paused) problems.push('paused');
  if (status.overTemperature) problems.push('head too hot');
  if (status.underTemperature) problems.push('head too cold');
  if (status.bufferFull) problems.push('receive buffer full');
  return problems;
}

/**
 * Raw TCP to a Zebra printer's port 9100. One connection per job: `~HS` first (a printer out of
 * paper, ribbon or with its head open does not answer at all, so silence fails the job before
 * anything is sent), then the label, then `~HS` again to confirm the printer is still fine.
 * Silence after the label is reported too, and not retried by itself: the label may print once
 * the printer is fixed.
 */
export class Raw9100Client {
  readonly #connectTimeoutMs: number;
  readonly #statusTimeoutMs: number;

  constructor(options: Raw9100Options = {}) {
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.#statusTimeoutMs = options.statusTimeoutMs ?? 3000;
  }

  async print(host: string, port: number, document: Buffer): Promise<SendResult> {
    const where = `${host}:${port}`;
    const link = await this.#connect(host, port);
    try {
      const before = await link.status();
      if (!before)
        throw new TransportError(
          'NO_STATUS',
          `No answer from the printer at ${where} within ${this.#statusTimeoutMs / 1000} s: ${CHECK}.`,
          { retryable: true },
        );
      const problems = statusProblems(before);
      if (problems.length > 0)
        throw new TransportError('PRINTER_FAULT', `The printer at ${where} reports ${problems.join(', ')}: ${CHECK}.`, {
          retryable: true,
        });
      await link.write(document);
      const after = await link.status();
      if (!after)
        throw new TransportError(
          'NO_CONFIRMATION',
          `The label went to the printer at ${where}, which then stopped answering: ${CHECK}. It may print once fixed — retry only if it did not.`,
          { retryable: false, sent: true },
        );
      const later = statusProblems(after);
      if (later.length > 0)
        throw new TransportError(
          'PRINTER_FAULT',
          `The label went to the printer at ${where}, which now reports ${later.join(', ')}: ${CHECK}. It may print once fixed — retry only if it did not.`,
          { retryable: false, sent: true },
        );
      return { externalId: null, printed: true };
    } finally {
      link.close();
    }
  }

  /** Asks the printer for its status on a connection of its own (Settings → Printers). */
  async status(host: string, port: number): Promise<HostStatus> {
    const link = await this.#connect(host, port);
    try {
      const status = await link.status();
      if (!status)
        throw new TransportError(
          'NO_STATUS',
          `No answer from the printer at ${host}:${port} within ${this.#statusTimeoutMs / 1000} s: ${CHECK}.`,
          { retryable: true },
        );
      return status;
    } finally {
      link.close();
    }
  }

  #connect(host: string, port: number) {
    const where = `${host}:${port}`;
    const statusTimeoutMs = this.#statusTimeoutMs;
    return new Promise<{
      status: () => Promise<HostStatus | null>;
      write: (data: Buffer) => Promise<void>;
      close: () => void;
    }>((resolve, reject) => {
      const socket = new Socket();
      let received = Buffer.alloc(0);
      let waiter: (() => void) | null = null;
      let closed: Error | null = null;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new TransportError(
            'UNREACHABLE',
            `No connection to the printer at ${where} within ${this.#connectTimeoutMs / 1000} s: is it on, and on the network?`,
            { retryable: true },
          ),
        );
      }, this.#connectTimeoutMs);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        waiter?.();
      });
      socket.on('close', () => {
        closed ??= new Error('closed');
        waiter?.();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        closed = error;
        waiter?.();
        if (error.code === 'ECONNREFUSED')
          reject(
            new TransportError(
              'REFUSED',
              `The printer at ${where} refused the connection: is it a ZPL printer listening on port ${port}, and switched on?`,
              { retryable: true },
            ),
          );
        else
          reject(
            new TransportError('UNREACHABLE', `Cannot reach the printer at ${where}: ${error.message}.`, {
              retryable: true,
            }),
          );
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve({
          status: () =>
            new Promise<HostStatus | null>((done, fail) => {
              received = Buffer.alloc(0);
              const deadline = setTimeout(() => {
                waiter = null;
                done(null);
              }, statusTimeoutMs);
              waiter = () => {
                // Three strings, each ending with ETX: the whole answer is in.
                const etx = received.filter((b) => b === ETX).length;
                if (etx >= 3) {
                  clearTimeout(deadline);
                  waiter = null;
                  done(parseHostStatus(received.toString('latin1')));
                } else if (closed) {
                  clearTimeout(deadline);
                  waiter = null;
                  fail(
                    new TransportError('CONNECTION_LOST', `The printer at ${where} closed the connection: ${CHECK}.`, {
                      retryable: true,
                    }),
                  );
                }
              };
              socket.write('~HS\r\n');
            }),
          write: (data) =>
            new Promise<void>((done, fail) => {
              socket.write(data, (error) => {
                if (error)
                  fail(
                    new TransportError(
                      'CONNECTION_LOST',
                      `The connection to the printer at ${where} broke while sending: ${CHECK}. Part of the label may print — retry only if it did not.`,
                      { retryable: false, sent: true },
                    ),
                  );
                else done();
              });
            }),
          close: () => {
            socket.end();
            socket.destroy();
          },
        });
      });
    });
  }
}
