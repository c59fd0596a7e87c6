import type { Session, WebContents } from 'electron';

/** The only permission a Benchline window may get: the camera, for scanning and photos. */
export function isCameraOnly(permission: string, details: { mediaTypes?: readonly string[] }): boolean {
  if (permission !== 'media') return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'video');
}

/** Permission *checks* (queries without a prompt): again, only the camera. */
export function isCameraCheck(permission: string, details: { mediaType?: string }): boolean {
  return permission === 'media' && details.mediaType === 'video';
}

/**
 * Locks a session down: every permission request is refused except the camera; device pickers
 * (HID, USB, serial, Bluetooth) are refused — devices are read by the core, not the page.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    // `details` is a union of request kinds; only a media request carries `mediaTypes` (the
    // other kinds share no field with it, so passing the union as is does not type-check).
    callback(isCameraOnly(permission, 'mediaTypes' in details ? details : {}));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => isCameraCheck(permission, details));
  session.setDevicePermissionHandler(() => false);
}

/**
 * Locks one web contents down: no navigation away from the app, no redirects, no new windows,
 * no <webview>. The app is a single page; anything that tries to leave it is refused.
 */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
