// Prometheus metrics shared by every service in a process. Base units, `_total` counters,
// route templates (never ids) as labels: every label value comes from a closed set
// (metric-labels.ts: route templates, command names and outcomes, event types, projection
// names, currencies), so cardinality stays bounded whatever the traffic. Each labelled series
// whose values are known is created at 0 here, so it exists before its first increment.
import client from 'prom-client';
import packageJson from '../../package.json';
import {
  BACKGROUND_COMMAND_NAMES, COMMAND_NAMES, COMMAND_OUTCOMES, COMMAND_RETRY_MODES, CURRENCY_CODES,
  EVENT_TYPES,
  PROJECTION_NAMES, RATE_LIMITED_ROUTES, SAGA_SUBSCRIBER_NAMES,
} from './metric-labels';
import { notificationMetrics } from './notification-metrics';
import { paymentMetrics } from './payment-metrics';
import { storageMetrics } from './storage-metrics';
import { relayMetrics } from './relay-metrics';
import { insightMetrics } from './insight-metrics';
import { SAGA_INSTANCE_STATES } from './saga-instances-gauge';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `processMetrics: false` leaves out what describes the whole process (Node's default metrics
 * and tng_build_info): a background thread's registry, which the API thread's /metrics adds
 * to its own (bin/runtime/background-thread.ts), would otherwise count the process twice.
 */
export function createMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new client.Registry();
  if (options.processMetrics ?? true) {
    client.collectDefaultMetrics({ register: registry });
    const buildInfo = new client.Gauge({
      name: 'tng_build_info',
      help: 'Build information: always 1, with the version and Node.js release as labels',
      labelNames: ['version', 'node'] as const,
      registers: [registry],
    });
    buildInfo.set({ version: packageJson.version, node: process.version }, 1);
  }
  const metrics = {
    registry,
    ...requestMetrics(registry),
    ...ledgerMetrics(registry),
    ...storageMetrics(registry),
    ...relayMetrics(registry),
    ...notificationMetrics(registry),
    ...insightMetrics(registry),
    ...paymentMetrics(registry),
  };
  startAtZero(metrics);
  return metrics;
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
    help: 'Commands decided, by command and outcome (ok, or the rejection code)',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const versionConflicts = new client.Counter({
    name: 'tng_version_conflicts_total',
    help: 'Optimistic concurrency conflicts met by command handlers (each is retried)',
    labelNames: ['command'] as const,
    registers: [registry],
  });
  const commandRetries = new client.Counter({
    name: 'tng_command_retries_total',
    help: 'Commands decided again by the command runner, by command and mode (optimistic, ' +
      'or pessimistic: under the streams\' locks after a version conflict)',
    labelNames: ['command', 'mode'] as const,
    registers: [registry],
  });
  const rateLimited = new client.Counter({
    name: 'tng_rate_limited_total',
    help: 'Requests refused with 429 rate_limited, by route template',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  return { httpDuration, commands, versionConflicts, commandRetries, rateLimited };
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
  const subscriptionPosition = new client.Gauge({
    name: 'tng_subscription_position',
    help: 'Global position each saga or relay subscriber has handled',
    labelNames: ['subscriber'] as const,
    registers: [registry],
  });
  const subscriptionLag = new client.Gauge({
    name: 'tng_subscription_lag_events',
    help: 'Events appended but not yet handled, per saga or relay subscriber',
    labelNames: ['subscriber'] as const,
    registers: [registry],
  });
  const conservationImbalance = new client.Gauge({
    name: 'tng_conservation_imbalance_minor',
    help: 'Sum of all wallet balances per currency in minor units; must read 0',
    labelNames: ['currency'] as const,
    registers: [registry],
  });
  const sagaInstances = new client.Gauge({
    name: 'tng_saga_instances',
    help: 'Instances each saga holds, by state (saga-instances-gauge.ts): hold_expiry pending ' +
      'and due, topup_expiry open, notifications dead_lettered',
    labelNames: ['saga', 'state'] as const,
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
    subscriptionPosition,
    subscriptionLag,
    conservationImbalance,
    sagaInstances,
    holdsExpired,
  };
}

/**
 * Creates every series whose label values are known, at 0. Left out: the HTTP histogram
 * (its status codes are whatever the routes answer), which Prometheus treats as usual.
 */
function startAtZero(metrics: Omit<Metrics, 'registry'>): void {
  for (const command of COMMAND_NAMES) {
    for (const outcome of COMMAND_OUTCOMES) metrics.commands.inc({ command, outcome }, 0);
    for (const mode of COMMAND_RETRY_MODES) metrics.commandRetries.inc({ command, mode }, 0);
  }
  for (const command of [...COMMAND_NAMES, ...BACKGROUND_COMMAND_NAMES]) {
    metrics.versionConflicts.inc({ command }, 0);
  }
  for (const route of RATE_LIMITED_ROUTES) metrics.rateLimited.inc({ route }, 0);
  for (const type of EVENT_TYPES) metrics.eventsAppended.inc({ type }, 0);
  for (const currency of CURRENCY_CODES) metrics.conservationImbalance.set({ currency }, 0);
  for (const projection of PROJECTION_NAMES) {
    metrics.projectionPosition.set({ projection }, 0);
    metrics.projectionLag.set({ projection }, 0);
    metrics.projectorBatchEvents.zero({ projection });
    metrics.projectorBatchDuration.zero({ projection });
  }
  for (const labels of SAGA_INSTANCE_STATES) metrics.sagaInstances.set(labels, 0);
  for (const subscriber of SAGA_SUBSCRIBER_NAMES) {
    metrics.subscriptionPosition.set({ subscriber }, 0);
    metrics.subscriptionLag.set({ subscriber }, 0);
  }
}
