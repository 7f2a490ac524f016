// The only module that reads process.env. Parsed with zod, fail-fast, frozen, then injected.
// Names and defaults follow docs/operations.md's configuration table; extra tuning knobs end in a
// unit.
import { isIP } from 'node:net';
import { z } from 'zod/v4';

const optionalString = z.string().min(1).optional();

/**
 * Fastify's `trustProxy`: `true` (every hop), a number of hops, or comma-separated addresses
 * and CIDR ranges of the proxies whose X-Forwarded-For is believed. Unset or `false`: the
 * socket's peer is the client.
 */
export type TrustProxy = boolean | number | string[];

const isAddressOrCidr = (entry: string): boolean => {
  const [address = '', bits, ...rest] = entry.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const maxBits = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= maxBits;
};

const TrustProxySchema = z
  .string()
  .trim()
  .transform((value, context): TrustProxy => {
    if (value === '' || value === 'false') return false;
    if (value === 'true') return true;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.every(isAddressOrCidr)) return entries;
    context.addIssue({
      code: 'custom',
      message: 'TRUST_PROXY is true, false, a number of hops, or comma-separated addresses/CIDRs',
    });
    return z.NEVER;
  });

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: optionalString, // unset: embedded Postgres in DATA_DIR
  REDIS_URL: optionalString, // unset: in-process cache, limits and deny-list
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((csv) => csv.split(','))
    .optional(),
  KURRENTDB_URL: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: optionalString,
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().min(1).default('Mini TNG <no-reply@localhost>'),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 bytes').optional(),
  LLM_BASE_URL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  TRUST_PROXY: TrustProxySchema.default(false),
  // Bearer token /metrics requires; unset: /metrics is open (bind it to a private address).
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  DB_POOL_SIZE_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // How long a request waits for a pooled connection (or a new one) before it answers 503.
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // `tng serve` runs the projector and the sagas in a thread of their own next to the APIs
  // (off: on the APIs' event loop, as a single service process does anyway; auto: a thread
  // where the machine has the cores for it, bin/runtime/background-thread.ts).
  BACKGROUND_THREAD: z.enum(['on', 'off', 'auto']).default('auto'),
  PROJECTOR_BATCH_SIZE_MAX: z.coerce.number().int().min(1).max(10_000).default(500),
  READ_YOUR_WRITES_WAIT_MS_MAX: z.coerce.number().int().min(0).max(60_000).default(5_000),
  // The sagas' hold-expiry sweep: how often, and how many wallets at most per sweep.
  HOLD_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  HOLD_EXPIRY_BATCH_SIZE_MAX: z.coerce.number().int().min(1).max(1_000).default(100),
  // The notifications saga's retries of a retryable send (4xx, server unreachable): sends in
  // all, and the exponential backoff's first and longest wait.
  MAIL_SEND_ATTEMPTS_MAX: z.coerce.number().int().min(1).max(10).default(5),
  MAIL_RETRY_DELAY_MS_MIN: z.coerce.number().int().min(1).max(600_000).default(1_000),
  MAIL_RETRY_DELAY_MS_MAX: z.coerce.number().int().min(1).max(600_000).default(30_000),
  // The fraud-hints saga also freezes the wallet it suspects (docs/insights.md).
  FRAUD_AUTO_FREEZE: z.enum(['on', 'off']).default('off'),
  // The sagas' top-up timeout: a top-up still pending this long after its request expires
  // (24 h, as a Stripe Checkout Session does); how often the sweep looks.
  TOPUP_EXPIRY_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(86_400),
  TOPUP_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  // How often the projector's process refreshes the conservation and projection-lag gauges.
  LEDGER_GAUGES_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  // GET /v1/wallets/:walletId/stream (docs/api.md): open streams per user in one process, the
  // heartbeat comment's period, and how often open streams look for projected changes.
  WALLET_STREAMS_PER_USER_MAX: z.coerce.number().int().min(1).max(100).default(5),
  WALLET_STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  WALLET_STREAM_POLL_MS: z.coerce.number().int().min(10).max(10_000).default(250),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET is required in production (no generated secret)');
  }
  return Object.freeze(parsed.data);
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
