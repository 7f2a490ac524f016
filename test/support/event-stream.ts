// Test support: reads a Server-Sent Events answer as it arrives (fetch's body stream), keeping
// every event and comment in order, so a test can wait for the next one that matches.
import { waitUntil } from '../../shared/testing/wait-until';

export type StreamEvent =
  Readonly<{ id?: string; event?: string; data?: string; comment?: string }>;

export type OpenedStream = Readonly<{
  status: number;
  headers: Headers;
  /** Everything received so far, in order (events and `:` comments). */
  received: StreamEvent[];
  /** The first item after the `from`-th that matches, waiting for it. */
  next(match: (item: StreamEvent) => boolean, from?: number): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}>;

export async function openStream(
  url: string,
  headers: Record<string, string>,
): Promise<OpenedStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const received: StreamEvent[] = [];
  const ended = response.ok ? readEvents(response, received) : response.text().then(() => {});
  return {
    status: response.status,
    headers: response.headers,
    received,
    next: async (match, from = 0) => {
      let found: StreamEvent | undefined;
      await waitUntil('a matching stream event', () => {
        found = received.slice(from).find(match);
        return found !== undefined;
      });
      return found!;
    },
    ended,
    close: () => abort.abort(),
  };
}

async function readEvents(response: Response, received: StreamEvent[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let blank: number;
      while ((blank = buffer.indexOf('\n\n')) >= 0) {
        received.push(parseBlock(buffer.slice(0, blank)));
        buffer = buffer.slice(blank + 2);
      }
    }
  } catch {
    // Aborted by close(): the test asked for it.
  }
}

function parseBlock(block: string): StreamEvent {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) return { comment: line.slice(1).trim() };
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    fields[name] = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
  }
  return fields;
}
