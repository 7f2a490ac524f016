// Prometheus metrics shared by every service in a process. Base units, `_total` counters,
// route templates (never ids) as labels: every label value comes from a closed set (route
// templates, command names, event types, projection names, currencies), so cardinality stays
// bounded whatever the traffic.
import client from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const buildInfo = new client.Gauge({
    name: 'tng_build_info',
    help: 'Build information',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  });
  buildInfo.set({ version: process.env.npm_package_version ?? 'dev', node: process.version }, 1);
  return { registry, ...requestMetrics(registry), ...ledgerMetrics(registry) };
}

/** What the HTTP and command layers observe per request. */
function requestMetrics(registry: client.Registry) {
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const commands = new client.Counter({
    name: 'tng_commands_total',
    help: 'Commands handled, by type and outcome',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const versionConflicts = new client.Counter({
    name: 'tng_version_conflicts_total',
    help: 'Optimistic concurrency conflicts met by command handlers (each is retried)',
    labelNames: ['command'] as const,
    registers: [registry],
  });
  const rateLimited = new client.Counter({
    name: 'tng_rate_limited_total',
    help: 'Requests refused with 429 rate_limited, by route template',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  return { httpDuration, commands, versionConflicts, rateLimited };
}

/** The event log, the read models and the background processes. */
function ledgerMetrics(registry: client.Registry) {
  const eventsAppended = new client.Counter({
    name: 'tng_events_appended_total',
    help: 'Events appended to the event store, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const projectionPosition = new client.Gauge({
    name: 'tng_projection_position',
    help: 'Global position each projection has applied',
    labelNames: ['projection'] as const,
    registers: [registry],
  });
  const projectionLag = new client.Gauge({
    name: 'tng_projection_lag_events',
    help: 'Events appended but not yet applied, per projection',
    labelNames: ['projection'] as const,
    registers: [registry],
  });
  const conservationImbalance = new client.Gauge({
    name: 'tng_conservation_imbalance_minor',
    help: 'Sum of all wallet balances per currency in minor units; must read 0',
    labelNames: ['currency'] as const,
    registers: [registry],
  });
  const holdsExpired = new client.Counter({
    name: 'tng_holds_expired_total',
    help: 'Holds expired by the hold-expiry sweeper (HoldExpired events it appended)',
    registers: [registry],
  });
  return {
    eventsAppended,
    projectionPosition,
    projectionLag,
    conservationImbalance,
    holdsExpired,
  };
}
