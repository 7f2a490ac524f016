// The idle wait of a caught-up subscription: until an append may have made events readable
// (the store's notification), `pollMs` passes (the fallback, should a wake-up be lost), or the
// subscription is stopped, whichever comes first.
import type { EventStore } from '../ports/event-store.port';

export function waitForAppendOrAbort(
  store: Pick<EventStore, 'waitForAppend'>,
  pollMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    store.waitForAppend(pollMs).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
