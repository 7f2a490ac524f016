// The one route of the auth bench servers (jwt-verify.bench.ts, jwt-reference.server.ts):
// POST /bench, its body checked against a schema and its caller authenticated by a preHandler,
// answering a small JSON object; no database. GET /cpu reports the server's own CPU time,
// which per request barely moves when other processes share the cores, where requests per
// second swing with every neighbour.
import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import type { AccessPrincipal } from '../../shared/auth/principal';
import { RevokedSessionSet } from '../../shared/auth/revoked-session-set';
import { announcePort } from './bench-child';

export type Authenticate = (request: FastifyRequest) => Promise<AccessPrincipal>;

/** Revocation as the servers check it, always answered in process (never a miss to Postgres). */
export function revocations() {
  const revoked = new RevokedSessionSet(10_000, Date.now);
  return { isRevoked: async (sessionId: string) => revoked.has(sessionId.toLowerCase()) };
}

/** Registers POST /bench and GET /cpu, listens on a free port and announces it. */
export async function serveAuthBenchRoute(
  app: FastifyInstance,
  options: { authenticate: Authenticate | null; schema: FastifySchema },
): Promise<void> {
  const { authenticate } = options;
  app.post('/bench', {
    schema: options.schema,
    preHandler: async (request) => {
      if (authenticate !== null) request.principal = await authenticate(request);
    },
  }, async (request) => ({ ok: true, userId: request.principal?.userId ?? null }));
  app.get('/cpu', async () => process.cpuUsage());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  announcePort(typeof address === 'object' && address ? address.port : 0);
}

/** The server's CPU time so far (user + system), in µs. */
export async function serverCpuUs(port: number): Promise<number> {
  const usage = await (await fetch(`http://127.0.0.1:${port}/cpu`)).json() as NodeJS.CpuUsage;
  return usage.user + usage.system;
}
