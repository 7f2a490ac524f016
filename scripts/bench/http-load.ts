// A closed-loop HTTP load generator: `concurrency` clients on keep-alive connections, each
// sending its next request as soon as the previous answers, for a bounded time. Latencies are
// recorded per request (integer microseconds) for percentiles.
import http from 'node:http';

export type LoadRequest = Readonly<{ path: string; headers: Record<string, string>; body: string }>;
export type LoadResult = Readonly<{
  requests: number;
  byStatus: Record<string, number>;
  seconds: number;
  latenciesUs: number[];
}>;

export const LOAD_REQUESTS_MAX = 2_000_000;

export async function runLoad(options: {
  url: string;
  concurrency: number;
  durationMs: number;
  next: (client: number, sequence: number) => LoadRequest;
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const byStatus: Record<string, number> = {};
  const latenciesUs: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = Date.now() + options.durationMs;
  let sequence = 0;
  const client = async (id: number) => {
    while (Date.now() < deadline && latenciesUs.length < LOAD_REQUESTS_MAX) {
      const request = options.next(id, sequence++);
      const t0 = process.hrtime.bigint();
      const status = await send(agent, target, request);
      latenciesUs.push(Number((process.hrtime.bigint() - t0) / 1000n));
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, id) => client(id)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requests: latenciesUs.length, byStatus, seconds, latenciesUs };
}

function send(agent: http.Agent, target: URL, request: LoadRequest): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: request.path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          ...request.headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      },
    );
    req.on('error', () => resolve('error'));
    req.end(request.body);
  });
}

export function percentileMs(latenciesUs: number[], p: number): number {
  if (latenciesUs.length === 0) return 0;
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[index]! / 1000;
}
