import type { SettingsPatch } from '#shared/domain/settings';
import { callCore } from './core';

export const stationService = {
  status: () => callCore('app.status', {}),
  demoSheet: () => callCore('app.demoSheet', {}),
  settings: () => callCore('settings.get', {}),
  updateSettings: (patch: SettingsPatch) => callCore('settings.update', patch),
  operators: () => callCore('operators.list', {}),
};
