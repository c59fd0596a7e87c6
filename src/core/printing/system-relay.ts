import type { SystemPrinterInfo } from '#shared/contract/printing';
import {
  isRelayMessage,
  SYSTEM_PRINTER_REPLY,
  SYSTEM_PRINTER_REQUEST,
  systemPrinterReplySchema,
  type SystemPrinterReply,
  type SystemPrinterRequest,
  type SystemPrintErrorCode,
} from '#shared/rpc/system-printer';
import { TransportError, type SystemPrinter, type TransportErrorCode } from './transport';

// Every code main may send is one the queue knows.
const KNOWN: Record<SystemPrintErrorCode, TransportErrorCode> = {
  PRINTER_UNKNOWN: 'PRINTER_UNKNOWN',
  SYSTEM_PRINT_FAILED: 'SYSTEM_PRINT_FAILED',
  SYSTEM_TIMEOUT: 'SYSTEM_TIMEOUT',
  SYSTEM_UNAVAILABLE: 'SYSTEM_UNAVAILABLE',
};

export type RelayTimeouts = {
  /** Main lists within 10 s; this covers main itself not answering. */
  listMs: number;
  /** Main lists, opens the PDF and waits for the spooler (10 + 15 + 30 s) before it gives up. */
  printMs: number;
};

export const RELAY_TIMEOUTS: RelayTimeouts = { listMs: 15_000, printMs: 70_000 };

type Pending = {
  resolve: (result: Extract<SystemPrinterReply['result'], { ok: true }>) => void;
  reject: (error: TransportError) => void;
  timer: ReturnType<typeof setTimeout>;
};

/**
 * The core's side of the system-printer relay (Electron only): each call is a request to main
 * over the utility process's parent port, answered by id (`src/main/system-printer.ts`). Main's
 * failures come back as `TransportError`s with main's code, message, `retryable` and `sent`.
 * If main does not answer at all, the call fails after its own timeout; a print then may have
 * reached the printer (`sent`), so the queue leaves it to a person.
 */
export class SystemPrinterRelay implements SystemPrinter {
  readonly #post: (message: SystemPrinterRequest) => void;
  readonly #timeouts: RelayTimeouts;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(post: (message: SystemPrinterRequest) => void, timeouts: Partial<RelayTimeouts> = {}) {
    this.#post = post;
    this.#timeouts = { ...RELAY_TIMEOUTS, ...timeouts };
  }

  async list(): Promise<SystemPrinterInfo[]> {
    const result = await this.#request({ op: 'list' }, this.#timeouts.listMs, () => ({
      message: 'The Benchline app did not list the system printers in time.',
      sent: false,
    }));
    return result.printers ?? [];
  }

  async print(
    pdf: Buffer,
    options: { deviceName: string; widthMicrons: number; heightMicrons: number; copies: number },
  ): Promise<void> {
    await this.#request(
      {
        op: 'print',
        deviceName: options.deviceName,
        pdf: pdf.toString('base64'),
        widthMicrons: options.widthMicrons,
        heightMicrons: options.heightMicrons,
        copies: options.copies,
      },
      this.#timeouts.printMs,
      () => ({
        message: `The Benchline app did not answer about the label for ${options.deviceName}: check the printer (paper, ribbon, head) and whether it printed, then retry or reprint.`,
        sent: true,
      }),
    );
  }

  /**
   * A message from main: true if it was a reply of the relay (used or refused), false if it is
   * not the relay's business.
   */
  receive(message: unknown): boolean {
    if (!isRelayMessage(message, SYSTEM_PRINTER_REPLY)) return false;
    const parsed = systemPrinterReplySchema.safeParse(message);
    if (!parsed.success) return true;
    const pending = this.#pending.get(parsed.data.id);
    if (!pending) return true; // answered after its timeout
    this.#pending.delete(parsed.data.id);
    clearTimeout(pending.timer);
    const { result } = parsed.data;
    if (result.ok) pending.resolve(result);
    else
      pending.reject(
        new TransportError(KNOWN[result.error.code], result.error.message, {
          retryable: result.error.retryable,
          sent: result.error.sent,
        }),
      );
    return true;
  }

  /** Fails every call still waiting (the core is closing). */
  close(): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new TransportError('INTERRUPTED', 'The station stopped while a system printer was being asked.', {
          retryable: false,
          sent: true,
        }),
      );
      this.#pending.delete(id);
    }
  }

  #request(
    body: DistributiveOmit<SystemPrinterRequest, 'type' | 'id'>,
    timeoutMs: number,
    late: () => { message: string; sent: boolean },
  ): Promise<Extract<SystemPrinterReply['result'], { ok: true }>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        const { message, sent } = late();
        reject(new TransportError('SYSTEM_TIMEOUT', message, { retryable: true, sent }));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#post({ type: SYSTEM_PRINTER_REQUEST, id, ...body });
      } catch (error) {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(
          new TransportError(
            'SYSTEM_UNAVAILABLE',
            `The Benchline app could not be asked: ${(error as Error).message}`,
            {
              retryable: true,
            },
          ),
        );
      }
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
