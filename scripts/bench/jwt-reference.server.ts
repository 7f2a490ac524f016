// The bench table's JWT reference (docs/performance.md, "The bench table"): what any
// authenticated route can reach at most on this machine. One Fastify route in a process of
// its own that does what POST /v1/transfers does before it touches the database: verify the
// HS256 access token as production does (AccessAuthenticator over shared/auth/tokens.ts,
// fast-jwt, revocation answered in process) and validate the transfer body with the route's
// own zod schema. bench.ts starts it (JWT_SECRET in the environment) and loads it over HTTP.
import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { TransferBody } from '../../command-api/src/routes/money.routes';
import { AccessAuthenticator } from '../../shared/auth/access-authenticator';
import { AccessTokens, ACCESS_TOKEN_TTL_MS_DEFAULT } from '../../shared/auth/tokens';
import { revocations, serveAuthBenchRoute } from './auth-bench-route';

async function main(): Promise<void> {
  const secret = process.env.JWT_SECRET;
  if (!secret) throw new Error('JWT_SECRET is required');
  // The options createHttpServer gives the production server: no coercion, nothing dropped.
  const app = Fastify({ ajv: { customOptions: { coerceTypes: false, removeAdditional: false } } });
  app.setValidatorCompiler(validatorCompiler);
  const tokens = new AccessTokens({ secret, ttlMs: ACCESS_TOKEN_TTL_MS_DEFAULT });
  const authenticator = new AccessAuthenticator(tokens, revocations());
  await serveAuthBenchRoute(app, {
    authenticate: (request) => authenticator.authenticate(request.headers.authorization),
    schema: { body: TransferBody },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`jwt reference server failed: ${String(error)}\n`);
  process.exit(1);
});
