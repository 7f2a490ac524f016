// Live wallet views from GET /v1/wallets/:walletId/stream (docs/api.md, "Live wallet
// views"), read with fetch because EventSource cannot send the Authorization header. It
// reconnects after a drop or the token's expiry with Last-Event-ID, so no change is missed.
import { refreshSession, session } from './client';

export type WalletView = Readonly<{
  walletId: string;
  currency: string;
  balance: string;
  available: string;
  held: string;
  status: string;
}>;

const RECONNECT_DELAY_MS = 2_000;

/** Calls `onView` with each view until the returned function is called. */
export function watchWallet(walletId: string, onView: (view: WalletView) => void): () => void {
  const abort = new AbortController();
  let lastEventId: string | null = null;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        const token = session.token();
        if (token) headers.authorization = `Bearer ${token}`;
        if (lastEventId) headers['last-event-id'] = lastEventId;
        const response = await fetch(`/v1/wallets/${encodeURIComponent(walletId)}/stream`,
          { headers, signal: abort.signal });
        if (response.status === 401) await refreshSession();
        else if (response.ok && response.body) {
          await readEvents(response.body, (id, data) => {
            lastEventId = id;
            onView(JSON.parse(data) as WalletView);
          });
        }
      } catch {
        // A dropped connection: wait, then resume from the last id.
      }
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
    }
  };
  void run();
  return () => abort.abort();
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (id: string | null, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      const data = fields.get('data');
      if (fields.get('event') === 'wallet' && data) onEvent(fields.get('id') ?? null, data);
    }
  }
}
