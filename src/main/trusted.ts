import { pathToFileURL } from 'node:url';

type Frame = { url: string } | null | undefined;

/**
 * True when an IPC message comes from the main frame of the app's own page: the dev server in
 * development, the packaged `renderer/index.html` otherwise. Anything else (an iframe, a page
 * that somehow navigated away) is refused.
 */
export function isAppFrame(
  sender: Frame,
  mainFrame: Frame,
  rendererUrl: string | undefined,
  rendererFile: string,
): boolean {
  if (!sender || !mainFrame || sender !== mainFrame) return false;
  const url = parseUrl(sender.url);
  if (!url) return false;
  if (rendererUrl) {
    // A malformed dev URL refuses rather than throwing in the IPC handler; an opaque origin
    // ("null": data:, file:) would match every other opaque origin, so it never matches.
    const dev = parseUrl(rendererUrl);
    return dev !== null && dev.origin !== 'null' && url.origin === dev.origin;
  }
  const expected = pathToFileURL(rendererFile);
  if (url.protocol !== 'file:') return false;
  // The host counts: `file://other-host/<same path>` names a file on another machine (a UNC
  // share on Windows), not the packaged page.
  if (url.host !== expected.host) return false;
  const actualPath = filePath(url.pathname);
  return actualPath !== null && actualPath === filePath(expected.pathname);
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * A file URL's path in one canonical form. Chromium (which wrote the frame's URL) and Node (which
 * wrote ours) do not percent-encode exactly the same characters, and Chromium upper-cases a
 * Windows drive letter; comparing the encoded forms would refuse the app's own page when it is
 * installed in such a folder, so the window would never get its port.
 */
function filePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return decoded.replace(/^\/([a-zA-Z]):/, (_match, drive: string) => `/${drive.toUpperCase()}:`);
}
