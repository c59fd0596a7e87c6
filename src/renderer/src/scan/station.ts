import type { WedgeListener } from './wedge';

/**
 * The window's one wedge listener, for the screens that look at it (Settings → Scanners: the
 * test area and calibration divert scans to themselves for a while).
 */
let wedge: WedgeListener | null = null;

export function setStationWedge(listener: WedgeListener): void {
  wedge = listener;
}

export function stationWedge(): WedgeListener | null {
  return wedge;
}
