// The released rest of a captured hold, for the capture e-mail: the capture's debit message
// carries the captured amount and the hold id, not what was released. HoldCaptured is on the
// same wallet stream, appended in the same transaction as the debit, so it is read back from
// the stream's end (a capture is mailed soon after it happens), a bounded number of pages.
// Not found within the bound: null, and the e-mail leaves the released rest out.
import { decodeWalletEvent } from '../../../shared/domain/event-codec';
import { walletId as toWalletId } from '../../../shared/domain/ids';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { EventStore } from '../../../shared/ports/event-store.port';

export const CAPTURE_LOOKUP_PAGE_SIZE = 100;
export const CAPTURE_LOOKUP_PAGES_MAX = 20;

export async function releasedRestOfCapture(
  store: EventStore,
  walletId: string,
  movementId: string,
): Promise<bigint | null> {
  const streamId = walletStreamId(toWalletId(walletId));
  let end = await store.streamVersion(streamId);
  for (let page = 0; page < CAPTURE_LOOKUP_PAGES_MAX && end > 0n; page += 1) {
    const size = BigInt(CAPTURE_LOOKUP_PAGE_SIZE);
    const fromVersion = end > size ? end - size + 1n : 1n;
    const events = await store.readStream(streamId, {
      fromVersion,
      limit: Number(end - fromVersion + 1n),
    });
    for (const recorded of events) {
      if (recorded.type !== 'HoldCaptured') continue;
      const event = decodeWalletEvent(recorded);
      if (event.type === 'HoldCaptured' && event.data.movementId === movementId) {
        return event.data.releasedAmountMinor;
      }
    }
    end = fromVersion - 1n;
  }
  return null;
}
