import { callCore } from './core';

export const auditService = {
  events: (limit: number, beforeSeq?: number) =>
    callCore('events.list', beforeSeq === undefined ? { limit } : { limit, beforeSeq }),
  verify: () => callCore('events.verify', {}),
};
