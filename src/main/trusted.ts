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
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return false;
  }
  if (rendererUrl) {
    const dev = new URL(rendererUrl);
    return url.origin === dev.origin;
  }
  const expected = pathToFileURL(rendererFile);
  return url.protocol === 'file:' && url.pathname === expected.pathname;
}
