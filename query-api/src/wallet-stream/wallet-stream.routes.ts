// GET /v1/wallets/:walletId/stream: the wallet view as Server-Sent Events, sent at once and
// after every projected change, each with `id:` = the ledger position it is as of, so a client
// that reconnects with `Last-Event-ID` gets the current view if anything was projected since
// (docs/api.md, "Live wallet views"). Who may watch is who may read the wallet (its owner,
// auditors, admins; anyone else gets 404). Streams are bounded per user and per process
// (429 past the bound), carry a heartbeat comment so proxies keep them open, end when the
// caller's access token expires (the client reconnects with a fresh one), and are ended
// before the server closes, so a shutdown never waits for a browser to leave.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod/v4';
import { DomainError } from '../../../shared/errors/domain-error';
import { canReadAnything, principalOf, type Principal } from '../../../shared/http/principal';
import { responses } from '../../../shared/http/responses';
import { IdSchema } from '../../../shared/http/schemas';
import {
  comparePositions, decodePosition, type Position,
} from '../../../shared/ports/event-store.port';
import type { ReadDatabase } from '../../../shared/ports/read-database.port';
import { QUERY_ERRORS, QUERY_ROUTE } from '../query-route-options';
import { reads } from '../route-read-models';
import { WalletViewFeed, walletEvent, type FeedSubscriber } from './wallet-view-feed';
import { walletViewsAt, type WalletViewAt } from './wallet-views-at';

export type WalletStreamDeps = Readonly<{
  pool: Pool;
  readDatabase: ReadDatabase;
  streamsPerUserMax: number;
  heartbeatIntervalMs: number;
  pollIntervalMs: number;
}>;

/** What a browser's EventSource waits before reconnecting after the stream ends. */
const RECONNECT_DELAY_MS = 2_000;
const STREAM_BUSY_RETRY_SECONDS = 5;

const Params = z.strictObject({ walletId: IdSchema });
// Loose: the route reads one header and must not drop the others (authorization).
const Headers = z.looseObject({
  'last-event-id': z.string().max(64).optional()
    .describe('The `id:` of the last event received: resume from that position'),
});
const StreamBody = z.string().describe(
  'text/event-stream. Each event: `id: <ledger position>`, `event: wallet`, `data: <the '
  + 'wallet view as GET /v1/wallets/{walletId} answers it>`; lines starting with `:` are '
  + 'heartbeats.');

type OpenStream = Readonly<{ end(): void }>;

export function walletStreamRoutes(deps: WalletStreamDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const feed = new WalletViewFeed({ ...deps, log: root.log });
    const open = new Set<OpenStream>();
    const perUser = new Map<string, number>();
    // Before the server stops accepting and waits for its connections: end every stream.
    root.addHook('preClose', (done) => {
      for (const stream of open) stream.end();
      feed.close();
      done();
    });

    app.get(
      '/v1/wallets/:walletId/stream',
      {
        config: reads('wallets'),
        schema: {
          params: Params,
          headers: Headers,
          tags: ['wallets'],
          ...QUERY_ROUTE,
          contract: { ...QUERY_ROUTE.contract, media: { 200: ['text/event-stream'] } },
          response: responses({ 200: StreamBody }, QUERY_ERRORS, [404, 429]),
          description: 'The wallet view now and after every projected change, as Server-Sent '
            + 'Events; resumable with Last-Event-ID.',
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const resumeFrom = resumePosition(request.headers['last-event-id']);
        const current = await watchable(deps.readDatabase, principal, request.params.walletId);
        const streams = perUser.get(principal.userId) ?? 0;
        if (streams >= deps.streamsPerUserMax) {
          throw new DomainError('rate_limited', 'too many open wallet streams for this user',
            { retryAfterSeconds: STREAM_BUSY_RETRY_SECONDS });
        }
        perUser.set(principal.userId, streams + 1);
        const release = () => {
          const left = (perUser.get(principal.userId) ?? 1) - 1;
          if (left > 0) perUser.set(principal.userId, left);
          else perUser.delete(principal.userId);
        };
        const stream = startStream(reply, { feed, current, resumeFrom, principal, deps }, () => {
          open.delete(stream);
          release();
        });
        open.add(stream);
        return reply;
      },
    );
  };
}

/** The Last-Event-ID a client resumes from; a malformed one is a 400, never ignored. */
function resumePosition(header: string | undefined): Position | null {
  if (header === undefined || header === '') return null;
  const position = decodePosition(header);
  if (!position) throw new DomainError('invalid_request', 'Last-Event-ID is not a position');
  return position;
}

/** The wallet's current view if the caller may read it; 404 for anyone else. */
async function watchable(
  db: ReadDatabase,
  principal: Principal,
  walletId: string,
): Promise<WalletViewAt> {
  const [current] = await walletViewsAt(db, [walletId]);
  const mayRead = current !== undefined
    && (current.view.ownerId === principal.userId || canReadAnything(principal));
  if (!current || !mayRead) throw new DomainError('not_found', 'no such resource');
  return current;
}

type StreamStart = Readonly<{
  feed: WalletViewFeed;
  current: WalletViewAt;
  resumeFrom: Position | null;
  principal: Principal;
  deps: WalletStreamDeps;
}>;

/** Takes the response over from Fastify and writes events until either side ends it. */
function startStream(reply: FastifyReply, start: StreamStart, onEnd: () => void): OpenStream {
  const { feed, current, resumeFrom, principal, deps } = start;
  reply.hijack();
  const raw = reply.raw;
  // Headers Fastify's hooks set on the reply (the request id) go out with the stream's own.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) raw.setHeader(name, value);
  }
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no', // nginx and the like: pass events on as they come
  });
  const write = (text: string) => {
    if (!raw.writableEnded && !raw.destroyed) raw.write(text);
  };
  write(`retry: ${RECONNECT_DELAY_MS}\n\n`);
  const json = JSON.stringify(current.view);
  // Resuming at or past the position of the view: the client already has it.
  const upToDate = resumeFrom !== null && comparePositions(current.position, resumeFrom) <= 0;
  if (!upToDate) write(walletEvent(current, json));
  const subscriber: FeedSubscriber = {
    walletId: current.view.walletId,
    lastSentJson: json,
    send: (viewAt, viewJson) => write(walletEvent(viewAt, viewJson)),
  };
  const unsubscribe = feed.subscribe(subscriber);
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), deps.heartbeatIntervalMs);
  const tokenLeftMs = Math.max(0, principal.expiresAt.getTime() - Date.now());
  const expiry = setTimeout(() => end(raw), tokenLeftMs);
  let ended = false;
  const cleanUp = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe();
    onEnd();
  };
  raw.on('close', cleanUp);
  raw.on('error', cleanUp);
  return { end: () => end(raw) };
}

function end(raw: ServerResponse): void {
  if (!raw.writableEnded) raw.end();
}
