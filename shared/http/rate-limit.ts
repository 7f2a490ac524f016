// Fastify hooks that apply the rate-limit policies (rate-limit-policies.ts) through a
// RateLimiter. Two hooks, because the two kinds of route are keyed differently:
// - `byClientIp`, an onRequest hook for the public auth routes: it runs before the body is
//   parsed, so a login flood is refused before any scrypt work;
// - `byUser`, a preHandler hook for money routes: it keys on the principal (user id and
//   plan), so it must be added AFTER the authenticate preHandler of the same scope.
// Every limited response carries RateLimit-Limit / -Remaining / -Reset; a refused one is a
// 429 problem+json `rate_limited` with Retry-After and counts in tng_rate_limited_total by
// route template. A hook that finds no policy for the route, or whose cache failed (the
// limiter fails open), lets the request through untouched.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Metrics } from '../telemetry/metrics';
import { problem } from './problem';
import {
  AUTH_POLICIES,
  MONEY_POLICIES,
  MONEY_ROUTES,
  type RateLimitPolicy,
} from './rate-limit-policies';
import type { RateLimitDecision, RateLimiter } from './rate-limiter';

/** Resolves to the reply when it has answered 429 (Fastify's signal that a hook responded). */
export type RateLimitHook = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

export type RateLimitHooks = Readonly<{
  /** onRequest, public auth routes (register, login, refresh): per client IP. */
  byClientIp: RateLimitHook;
  /** preHandler after authenticate, money routes: per user id, limit by plan. */
  byUser: RateLimitHook;
}>;

export type RateLimitHookDeps = Readonly<{
  limiter: RateLimiter;
  metrics: Pick<Metrics, 'rateLimited'>;
}>;

type Rule = Readonly<{ policy: RateLimitPolicy; subject: string }>;

export function createRateLimitHooks(deps: RateLimitHookDeps): RateLimitHooks {
  const limitBy = (ruleOf: (request: FastifyRequest) => Rule | null): RateLimitHook =>
    async (request, reply) => {
      const rule = ruleOf(request);
      if (!rule) return undefined;
      const decision = await deps.limiter.check(rule.policy, rule.subject);
      // The cache failed: fail open (the limiter has logged it).
      if (!decision) return undefined;
      setRateLimitHeaders(reply, decision);
      if (decision.allowed) return undefined;
      deps.metrics.rateLimited.inc({ route: routeTemplate(request) ?? 'unmatched' });
      return refuse(request, reply, decision);
    };
  return { byClientIp: limitBy(clientIpRule), byUser: limitBy(userRule) };
}

function clientIpRule(request: FastifyRequest): Rule | null {
  const template = routeTemplate(request);
  const policy = template === undefined ? undefined : AUTH_POLICIES.get(template);
  // request.ip is the socket's peer unless Fastify's trustProxy is configured for a gateway.
  return policy ? { policy, subject: request.ip } : null;
}

function userRule(request: FastifyRequest): Rule | null {
  const template = routeTemplate(request);
  if (template === undefined || !MONEY_ROUTES.has(`${request.method} ${template}`)) return null;
  const { principal } = request;
  // Either: without a principal authenticate has already refused the request.
  if (!principal) return null;
  return { policy: MONEY_POLICIES[principal.plan], subject: principal.userId };
}

const routeTemplate = (request: FastifyRequest): string | undefined => request.routeOptions.url;

function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  void reply.header('ratelimit-limit', String(decision.limit));
  void reply.header('ratelimit-remaining', String(decision.remaining));
  void reply.header('ratelimit-reset', String(decision.resetSeconds));
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  decision: RateLimitDecision,
): FastifyReply {
  const detail = `more than ${decision.limit} requests in this window; retry in `
    + `${decision.resetSeconds} s`;
  return reply
    .status(429)
    .header('retry-after', String(decision.resetSeconds))
    .type('application/problem+json')
    .send({ ...problem('rate_limited', detail), instance: request.url });
}
