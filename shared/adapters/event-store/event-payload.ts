// Read-side decoding shared by the adapters: stored payloads are upcast to their latest
// schema by the domain's codec (docs/style.md, "Events and their versions"). Verification never
// goes through here: the hash covers the stored bytes, not the decoded ones.
import type { EventCodec } from '../../ports/event-store.port';

export type Payload = { schemaVersion: number; data: Record<string, unknown> };

export function decodePayload(
  codec: EventCodec | undefined,
  type: string,
  schemaVersion: number,
  data: Record<string, unknown>,
): Payload {
  return codec ? codec.decode(type, schemaVersion, data) : { schemaVersion, data };
}
