import { parseEnrolScan } from '#shared/sync/protocol';
import type { Verdict } from '#shared/contract/scan';
import { BenchError } from '../util/errors';
import type { BenchScanHandler } from '../workflows/scan';
import { verdict } from '../workflows/scan';
import type { SyncEngine } from './engine';

/**
 * Scans at the Sync bench: an enrolment code printed by the cloud (`ENROL:<code>@<url>`) enrols
 * the station when a supervisor scans it. The code is a secret: it is not recorded as a scan
 * (the enrolment itself is, as `sync.enrolled`).
 */
export function syncScanHandler(sync: SyncEngine): BenchScanHandler {
  return {
    // Nothing at the Sync bench is scanned inside a unit of work.
    scan: () => null,
    async claim(active, code): Promise<Verdict | null> {
      const enrol = parseEnrolScan(code);
      if (!enrol) return null;
      if (active.operator.role !== 'supervisor')
        return verdict('refused', 'bad', 'verdict.sync.supervisorOnly', {}, 'ENROL:…');
      try {
        const view = await sync.enrol(enrol.url, enrol.code);
        return verdict('command', 'good', 'verdict.sync.enrolled', { company: view.company?.name ?? '' }, 'ENROL:…');
      } catch (error) {
        if (error instanceof BenchError)
          return verdict('command', 'bad', 'verdict.sync.enrolFailed', { reason: error.message }, 'ENROL:…');
        throw error;
      }
    },
  };
}
