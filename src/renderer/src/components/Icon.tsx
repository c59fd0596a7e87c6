import type { Bench } from '#shared/domain/roles';

/**
 * Bench icons as inline SVG: emoji depend on fonts a Linux bench may not have, and an icon that
 * renders as a box is worse than none.
 */
const PATHS: Record<Bench | 'lock', string> = {
  pack: 'M3 7l9-4 9 4v10l-9 4-9-4V7zm9 4l9-4M12 11L3 7m9 4v10',
  qc: 'M4 12l5 5L20 6',
  returns: 'M9 14L4 9l5-5M4 9h10a6 6 0 010 12h-3',
  review: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6l8-3zm-3 9l2 2 4-4',
  sync: 'M20 11a8 8 0 00-14-5l-2 2m0-4v4h4M4 13a8 8 0 0014 5l2-2m0 4v-4h-4',
  settings:
    'M12 15a3 3 0 100-6 3 3 0 000 6zm7.4-3a7.4 7.4 0 00-.1-1.3l2-1.6-2-3.4-2.4 1a7.5 7.5 0 00-2.2-1.3L14.3 3h-4l-.4 2.4a7.5 7.5 0 00-2.2 1.3l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 000 2.6l-2 1.6 2 3.4 2.4-1a7.5 7.5 0 002.2 1.3l.4 2.4h4l.4-2.4a7.5 7.5 0 002.2-1.3l2.4 1 2-3.4-2-1.6c.1-.4.1-.9.1-1.3z',
  lock: 'M6 11h12v10H6V11zm2 0V7a4 4 0 018 0v4',
};

export function Icon({ name, size = 40 }: { name: Bench | 'lock'; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
