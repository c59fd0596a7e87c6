import { describe, expect, it } from 'vitest';
import { mainWindowOptions, printWindowOptions } from '../../src/main/window';

describe('mainWindowOptions', () => {
  const preload = '/opt/Benchline/resources/app.asar/out/preload/index.js';
  const prefs = mainWindowOptions(preload).webPreferences ?? {};

  // Each setting is asserted on its own and against an explicit value: a default left implicit
  // (undefined) fails here even where Electron's current default happens to be the safe one.
  it.each([
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webviewTag', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
  ] as const)('sets webPreferences.%s to %s', (key, value) => {
    expect(Object.hasOwn(prefs, key)).toBe(true);
    expect(prefs[key]).toBe(value);
  });

  it('passes the preload path through unchanged', () => {
    expect(prefs.preload).toBe(preload);
    expect(mainWindowOptions('/elsewhere/preload.js').webPreferences?.preload).toBe('/elsewhere/preload.js');
  });

  it('creates the window hidden (shown on ready-to-show) and sets no extra Node surface', () => {
    const options = mainWindowOptions(preload);
    expect(options.show).toBe(false);
    // No option that would put Node or extra scripts in the page.
    expect(prefs).not.toHaveProperty('additionalArguments');
  });
});

describe('printWindowOptions (the hidden window a system print loads its PDF in)', () => {
  const options = printWindowOptions();
  const prefs = options.webPreferences ?? {};

  it.each([
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webviewTag', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
    ['devTools', false],
    // Chromium's PDF viewer is a plugin: without it there is nothing to print.
    ['plugins', true],
  ] as const)('sets webPreferences.%s to %s', (key, value) => {
    expect(Object.hasOwn(prefs, key)).toBe(true);
    expect(prefs[key]).toBe(value);
  });

  it('is never shown and has no preload: the page needs no bridge', () => {
    expect(options.show).toBe(false);
    expect(prefs).not.toHaveProperty('preload');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });
});
