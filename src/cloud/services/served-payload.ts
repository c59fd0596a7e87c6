import { EVENT_PAYLOAD_VERSION, readEventPayload } from '#shared/sync/event-payloads';

export type ServedPayload = {
  /** The payload in the current shape (`payloadVersion`). */
  payload: unknown;
  /** The version `payload` is in: the current one, unless the stored payload could not be read. */
  payloadVersion: number;
  /** The version the station wrote (the stored event's `schema_version`). */
  recordedVersion: number;
};

/**
 * A stored event's payload as the OMS sees it (the outcome feed, webhook bodies): upcast to the
 * current version, whatever app version recorded it. The stored text is never rewritten — the
 * hash chain is verified over it.
 *
 * Every event applied since payloads are checked at upload reads. One stored earlier that does
 * not is served as stored, with `payloadVersion` saying which shape it is in: a feed never fails
 * on one old event.
 */
export function servedPayload(type: string, recordedVersion: number, text: string | null): ServedPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? 'null') as unknown;
  } catch {
    return { payload: null, payloadVersion: recordedVersion, recordedVersion };
  }
  const reading = readEventPayload(type, recordedVersion, parsed);
  return reading.ok
    ? { payload: reading.payload, payloadVersion: EVENT_PAYLOAD_VERSION, recordedVersion }
    : { payload: parsed, payloadVersion: recordedVersion, recordedVersion };
}
