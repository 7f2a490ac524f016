// The services that follow the event log instead of answering HTTP: the projector (with the
// ledger gauges that measure its read models) and the sagas (expiry sweeps, notifications,
// fraud hints, the Kafka relay, with the gauge of their instances by state). `tng serve` runs
// them on the API's thread or, by default, in a background thread of their own
// (./background-thread.ts), so they never hold up a request.
import type { Config } from '../../shared/config/load-config';
import type { Cache } from '../../shared/ports/cache.port';
import type { IntegrationFeed } from '../../shared/ports/integration-feed.port';
import type { Mailer } from '../../shared/ports/mailer.port';
import { startLedgerGauges } from '../../shared/telemetry/ledger-gauges';
import { startSagaInstancesGauge } from '../../shared/telemetry/saga-instances-gauge';
import { startProjector } from '../../projector/src/projector.service';
import { startSagas } from '../../sagas/src/sagas.service';
import { busFor, integrationFeedFor } from './integration';
import type { Runtime } from './runtime';

export const BACKGROUND_SERVICE_NAMES = ['projector', 'sagas'] as const;
export type BackgroundServiceName = (typeof BACKGROUND_SERVICE_NAMES)[number];

export type BackgroundServices = Readonly<{ stop(): Promise<void> }>;

/**
 * Starts those of `names` that exist. `stop` lets each finish its current step, then closes
 * the Kafka bus if one was opened; the caller closes the pool after it.
 */
export function startBackgroundServices(
  names: readonly BackgroundServiceName[],
  runtime: Runtime,
  cache: Cache,
  mail: Readonly<{ mailer: Mailer; feed?: IntegrationFeed }>,
): BackgroundServices {
  const { config, logger, pool, store, metrics } = runtime;
  const steps: Array<() => Promise<void>> = [];
  const after: Array<() => Promise<void>> = [];
  if (names.includes('projector')) {
    const batchSizeMax = config.PROJECTOR_BATCH_SIZE_MAX;
    const projector = startProjector({ pool, store, cache, logger, metrics, batchSizeMax });
    const intervalMs = config.LEDGER_GAUGES_INTERVAL_MS;
    const gauges = startLedgerGauges({ pool, store, metrics, logger, intervalMs });
    steps.push(() => projector.stop(), () => gauges.stop());
  }
  if (names.includes('sagas')) {
    const holdExpiry = {
      intervalMs: config.HOLD_EXPIRY_INTERVAL_MS,
      batchSizeMax: config.HOLD_EXPIRY_BATCH_SIZE_MAX,
    };
    // KAFKA_BROKERS: the relay publishes to Kafka and our consumers read it; without, they
    // follow the event log. The bus closes after the sagas stopped.
    const bus = busFor(config);
    if (bus) after.push(() => bus.close());
    const feed = mail.feed ?? integrationFeedFor(runtime, bus);
    const notifications = { feed, mailer: mail.mailer, retry: mailRetryPolicy(config) };
    const fraudHints = { autoFreeze: config.FRAUD_AUTO_FREEZE === 'on' };
    const topUpExpiry = {
      intervalMs: config.TOPUP_EXPIRY_INTERVAL_MS,
      expirySeconds: config.TOPUP_EXPIRY_SECONDS,
    };
    const sagas = startSagas({
      pool, store, logger, metrics, holdExpiry, topUpExpiry, notifications, fraudHints,
      ...(bus ? { bus } : {}),
    });
    const instances = startSagaInstancesGauge({
      pool, metrics, logger, intervalMs: config.LEDGER_GAUGES_INTERVAL_MS,
    });
    steps.unshift(() => sagas.stop(), () => instances.stop());
  }
  return {
    stop: async () => {
      for (const step of [...steps, ...after]) await step();
    },
  };
}

/** The notifications saga's retries, from MAIL_SEND_ATTEMPTS_MAX and MAIL_RETRY_DELAY_MS_*. */
const mailRetryPolicy = (config: Config) => ({
  attemptsMax: config.MAIL_SEND_ATTEMPTS_MAX,
  delayMsMin: config.MAIL_RETRY_DELAY_MS_MIN,
  delayMsMax: Math.max(config.MAIL_RETRY_DELAY_MS_MIN, config.MAIL_RETRY_DELAY_MS_MAX),
});
