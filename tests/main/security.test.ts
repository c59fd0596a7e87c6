import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { hardenContents, hardenSession } from '../../src/main/security';
import { FakeSession, FakeWebContents } from './electron-stub';

function hardenedContents(): FakeWebContents {
  const contents = new FakeWebContents();
  hardenContents(contents as unknown as WebContents);
  return contents;
}

function hardenedSession(): FakeSession {
  const session = new FakeSession();
  hardenSession(session as unknown as Session);
  return session;
}

describe('hardenContents', () => {
  it.each(['will-navigate', 'will-redirect', 'will-attach-webview'])('prevents %s', (eventName) => {
    const contents = hardenedContents();
    expect(contents.listenerCount(eventName)).toBe(1);
    const event = { preventDefault: vi.fn() };
    contents.emit(eventName, event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalledTimes(1);
  });

  it('denies every window.open', () => {
    const contents = hardenedContents();
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    const handler = contents.setWindowOpenHandler.mock.calls[0]?.[0];
    expect(handler).toBeTypeOf('function');
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'about:blank']) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
  });
});

type RequestCase = [label: string, permission: string, details: Record<string, unknown>, granted: boolean];

// Only the camera: `media` asking for video and nothing else.
const requestCases: RequestCase[] = [
  ['camera', 'media', { mediaTypes: ['video'] }, true],
  ['microphone', 'media', { mediaTypes: ['audio'] }, false],
  ['camera and microphone', 'media', { mediaTypes: ['video', 'audio'] }, false],
  ['microphone and camera', 'media', { mediaTypes: ['audio', 'video'] }, false],
  ['media with no media types', 'media', { mediaTypes: [] }, false],
  ['media without details', 'media', {}, false],
  ['notifications', 'notifications', {}, false],
  ['geolocation', 'geolocation', {}, false],
  ['hid', 'hid', {}, false],
  ['serial', 'serial', {}, false],
  ['usb', 'usb', {}, false],
  ['clipboard-read', 'clipboard-read', {}, false],
  ['display-capture', 'display-capture', {}, false],
  ['midiSysex', 'midiSysex', {}, false],
  ['openExternal', 'openExternal', { externalURL: 'https://evil.example/' }, false],
  ['fullscreen', 'fullscreen', {}, false],
  ['pointerLock', 'pointerLock', {}, false],
  ['a video type on another permission', 'notifications', { mediaTypes: ['video'] }, false],
];

describe('hardenSession: permission requests', () => {
  it.each(requestCases)('%s → granted %s', (_label, permission, details, granted) => {
    const session = hardenedSession();
    expect(session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    const callback = vi.fn();
    session.requestHandler?.({}, permission, callback, { requestingUrl: 'file:///app/index.html', ...details });
    expect(callback).toHaveBeenCalledTimes(1);
    expect(callback).toHaveBeenCalledWith(granted);
  });
});

type CheckCase = [label: string, permission: string, details: Record<string, unknown>, granted: boolean];

const checkCases: CheckCase[] = [
  ['camera', 'media', { mediaType: 'video' }, true],
  ['microphone', 'media', { mediaType: 'audio' }, false],
  ['unknown media type', 'media', { mediaType: 'unknown' }, false],
  ['media without a type', 'media', {}, false],
  ['notifications', 'notifications', {}, false],
  ['geolocation', 'geolocation', {}, false],
  ['hid', 'hid', {}, false],
  ['serial', 'serial', {}, false],
  ['usb', 'usb', {}, false],
  ['clipboard-read', 'clipboard-read', {}, false],
  ['a video type on another permission', 'background-sync', { mediaType: 'video' }, false],
];

describe('hardenSession: permission checks', () => {
  it.each(checkCases)('%s → %s', (_label, permission, details, granted) => {
    const session = hardenedSession();
    expect(session.setPermissionCheckHandler).toHaveBeenCalledTimes(1);
    const answer = session.checkHandler?.({}, permission, 'file:///', { requestingUrl: 'file:///', ...details });
    expect(answer).toBe(granted);
  });
});

describe('hardenSession: device pickers', () => {
  it.each(['hid', 'serial', 'usb', 'bluetooth'])('refuses a %s device', (deviceType) => {
    const session = hardenedSession();
    expect(session.setDevicePermissionHandler).toHaveBeenCalledTimes(1);
    expect(session.deviceHandler?.({ deviceType, origin: 'file://', device: { vendorId: 0x05e0 } })).toBe(false);
  });
});
