import { describe, expect, it } from 'vitest';
import { parseDiscovery } from '../../../src/core/printing/cups';
import { parseHostStatus, statusProblems } from '../../../src/core/printing/raw9100';
import { hostStatus } from '../../support/printing';

describe('Zebra ~HS host status', () => {
  it('reads a printer ready to print', () => {
    const status = parseHostStatus(hostStatus());
    expect(status).not.toBeNull();
    expect(statusProblems(status!)).toEqual([]);
  });

  it.each([
    [{ paperOut: true }, ['paper out']],
    [{ headOpen: true }, ['head open']],
    [{ ribbonOut: true }, ['ribbon out']],
    [{ paused: true }, ['paused']],
    [{ paperOut: true, headOpen: true }, ['paper out', 'head open']],
  ])('names what stops it: %o', (flags, problems) => {
    expect(statusProblems(parseHostStatus(hostStatus(flags))!)).toEqual(problems);
  });

  it('reads the published example answer (ZPL II guide, ~HS)', () => {
    const answer =
      '\u0002030,0,0,1245,000,0,0,0,000,0,0,0\u0003\r\n\u0002000,0,0,0,0,2,4,0,00000000,1,000\u0003\r\n\u00021234,0\u0003\r\n';
    expect(parseHostStatus(answer)).toMatchObject({ paperOut: false, headOpen: false, formatsInBuffer: 0 });
  });

  it('refuses a partial or garbled answer (null: treated as no answer)', () => {
    expect(parseHostStatus('\u0002030,1,0\u0003')).toBeNull();
    expect(parseHostStatus('hello')).toBeNull();
  });
});

describe('CUPS discovery (lpstat)', () => {
  it('joins lpstat -e, -v, -p, -a and -d into queues', () => {
    const queues = parseDiscovery({
      names: 'BenchPDF\nZebra_ZD421\n',
      devices: 'device for BenchPDF: cups-pdf:/\ndevice for Zebra_ZD421: socket://10.0.0.20:9100\n',
      printers:
        'printer BenchPDF is idle.  enabled since Sun Nov 29 19:17:04 2026\n\tFilter failed\nprinter Zebra_ZD421 disabled since Sun Nov 29 19:42:57 2026 -\n\tPaused\n',
      accepting:
        'BenchPDF accepting requests since Sun Nov 29 19:17:04 2026\nZebra_ZD421 not accepting requests since Sun Nov 29 19:42:57 2026 -\n',
      fallback: 'system default destination: BenchPDF\n',
    });
    expect(queues).toEqual([
      { name: 'BenchPDF', uri: 'cups-pdf:/', isDefault: true, enabled: true, accepting: true, state: 'idle' },
      {
        name: 'Zebra_ZD421',
        uri: 'socket://10.0.0.20:9100',
        isDefault: false,
        enabled: false,
        accepting: false,
        state: 'stopped',
      },
    ]);
  });

  it('has no queues when CUPS has none', () => {
    expect(
      parseDiscovery({
        names: '',
        devices: '',
        printers: '',
        accepting: '',
        fallback: 'no system default destination\n',
      }),
    ).toEqual([]);
  });
});
