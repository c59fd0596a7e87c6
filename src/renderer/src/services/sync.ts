import { callCore } from './core';

export const syncService = {
  status: () => callCore('sync.status', {}),
  now: () => callCore('sync.now', {}),
  enrol: (url: string, code: string) => callCore('sync.enrol', { url, code }),
};
