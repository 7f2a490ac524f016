// Uuids derived from a seed. A decision re-run after a version conflict, a retried request or
// a second sweeper derives the same event ids from the same seed, so the event store (unique
// event_id) keeps one copy. Pure: same seed, same uuid, in every process.
import { createHash } from 'node:crypto';

/** A uuid derived from a seed: a re-decided command produces the same event ids. */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  // Shaped as a version-5-style uuid (variant bits set) so it fits a uuid column.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
