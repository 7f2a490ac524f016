// A local OpenAI-compatible endpoint for tests: POST /chat/completions answers one choice,
// or fails (500), or answers only after a long delay, as the test sets `mode`. It records
// every request body, so a test can check what the LLM was sent and how often.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeLlmMode = 'answer' | 'fail' | 'slow';
/** How long a 'slow' answer takes: well past the summary's 2 s limit. */
export const SLOW_ANSWER_MS = 5_000;
export const FAKE_SUMMARY = 'From the fake LLM: a calm month.';

export type FakeLlm = {
  url: string;
  mode: FakeLlmMode;
  readonly requests: Array<{ authorization: string | undefined; body: unknown }>;
  stop(): Promise<void>;
};

const bodyOf = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startFakeLlm(): Promise<FakeLlm> {
  const timers = new Set<NodeJS.Timeout>();
  const fake: Omit<FakeLlm, 'url' | 'stop'> = { mode: 'answer', requests: [] };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const text = await bodyOf(request);
      fake.requests.push({ authorization: request.headers.authorization, body: JSON.parse(text) });
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404).end();
        return;
      }
      const answer = () => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'chatcmpl-1', object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: FAKE_SUMMARY } }],
        }));
      };
      if (fake.mode === 'fail') response.writeHead(500).end('{"error":"down"}');
      else if (fake.mode === 'slow') timers.add(setTimeout(answer, SLOW_ANSWER_MS));
      else answer();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v1`,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
