import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppFrame } from '../../src/main/trusted';

const RENDERER_FILE = '/opt/Benchline/resources/app.asar/out/renderer/index.html';
const PACKAGED_URL = pathToFileURL(RENDERER_FILE).href;
const DEV_URL = 'http://localhost:5173/';

type Case = [label: string, url: string, rendererUrl: string | undefined, trusted: boolean];

const mainFrameCases: Case[] = [
  // Packaged: only the renderer's own index.html.
  ['the packaged page', PACKAGED_URL, undefined, true],
  ['the packaged page with a hash route', `${PACKAGED_URL}#/returns`, undefined, true],
  ['the packaged page with a query', `${PACKAGED_URL}?station=2`, undefined, true],
  [
    'another file of the app',
    pathToFileURL('/opt/Benchline/resources/app.asar/out/renderer/other.html').href,
    undefined,
    false,
  ],
  ['a file elsewhere on disk', 'file:///etc/passwd', undefined, false],
  [
    'a sibling folder with the same file name',
    'file:///opt/Benchline/resources/app.asar/out/renderer2/index.html',
    undefined,
    false,
  ],
  [
    'the same path on another host (UNC share)',
    `file://evil.example${new URL(PACKAGED_URL).pathname}`,
    undefined,
    false,
  ],
  ['a web page with the file URL in its query', `https://evil.example/?next=${PACKAGED_URL}`, undefined, false],
  [
    'a web page with the file path as its path',
    `https://evil.example${new URL(PACKAGED_URL).pathname}`,
    undefined,
    false,
  ],
  ['the dev server while packaged', DEV_URL, undefined, false],
  ['a data: URL', 'data:text/html,<script>1</script>', undefined, false],
  ['about:blank', 'about:blank', undefined, false],
  ['a malformed URL', 'http://[::1', undefined, false],
  ['an empty URL', '', undefined, false],
  // Development: the dev server's origin, any path on it.
  ['the dev server', DEV_URL, DEV_URL, true],
  ['a route on the dev server', 'http://localhost:5173/index.html#/pack', DEV_URL, true],
  ['another port on localhost', 'http://localhost:5174/', DEV_URL, false],
  ['another host', 'http://127.0.0.1:5173/', DEV_URL, false],
  ['https on the dev port', 'https://localhost:5173/', DEV_URL, false],
  ['a look-alike host', 'http://localhost.evil.example:5173/', DEV_URL, false],
  ['a web page naming the dev server in its query', `https://evil.example/?next=${DEV_URL}`, DEV_URL, false],
  ['the packaged file in development', PACKAGED_URL, DEV_URL, false],
  ['a malformed URL in development', 'http://[::1', DEV_URL, false],
  ['a data: URL against a malformed dev URL', 'data:text/html,x', 'not a url', false],
  ['a data: URL against an opaque dev origin', 'data:text/html,x', 'data:text/html,app', false],
];

describe('isAppFrame', () => {
  it.each(mainFrameCases)('main frame: %s (%s, dev server %s) → %s', (_label, url, rendererUrl, trusted) => {
    const frame = { url };
    expect(isAppFrame(frame, frame, rendererUrl, RENDERER_FILE)).toBe(trusted);
  });

  it('refuses an iframe even when it shows the app page', () => {
    const mainFrame = { url: PACKAGED_URL };
    const iframe = { url: PACKAGED_URL };
    expect(isAppFrame(iframe, mainFrame, undefined, RENDERER_FILE)).toBe(false);
    const devMain = { url: DEV_URL };
    expect(isAppFrame({ url: DEV_URL }, devMain, DEV_URL, RENDERER_FILE)).toBe(false);
  });

  it('refuses a frame that is gone (null or undefined)', () => {
    const mainFrame = { url: PACKAGED_URL };
    expect(isAppFrame(null, mainFrame, undefined, RENDERER_FILE)).toBe(false);
    expect(isAppFrame(undefined, mainFrame, undefined, RENDERER_FILE)).toBe(false);
    expect(isAppFrame(mainFrame, null, undefined, RENDERER_FILE)).toBe(false);
  });

  // Chromium writes the frame's URL; Node's pathToFileURL writes ours. They percent-encode a few
  // characters differently (`^` here) and Chromium upper-cases a Windows drive letter: the app's
  // own page must still be recognised, or its window never gets a port.
  it.each([
    [
      'a folder with a caret',
      '/opt/Bench^line/out/renderer/index.html',
      'file:///opt/Bench^line/out/renderer/index.html',
    ],
    [
      'a folder with a space',
      '/opt/Bench line/out/renderer/index.html',
      'file:///opt/Bench%20line/out/renderer/index.html',
    ],
    ['a folder with an accent', '/opt/Bénch/out/renderer/index.html', 'file:///opt/B%C3%A9nch/out/renderer/index.html'],
    [
      'a lower-case drive letter',
      '/c:/Benchline/out/renderer/index.html',
      'file:///C:/Benchline/out/renderer/index.html',
    ],
  ])('recognises the packaged page in %s', (_label, rendererFile, chromiumUrl) => {
    const frame = { url: chromiumUrl };
    expect(isAppFrame(frame, frame, undefined, rendererFile)).toBe(true);
  });

  it('refuses a path that does not decode', () => {
    const frame = { url: 'file:///opt/Benchline/out/renderer/%E0%A4%A/index.html' };
    expect(isAppFrame(frame, frame, undefined, '/opt/Benchline/out/renderer/index.html')).toBe(false);
  });
});
