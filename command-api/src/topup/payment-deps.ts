// What the card-payment handlers need besides the command deps: the payments port (Stripe or
// the simulator, chosen by bin/), the top-up saga's repository and a logger.
import type { AggregateRepository } from '../../../shared/aggregates/aggregate-repository';
import { createTopUpRepository } from '../../../shared/aggregates/topup.aggregate';
import type { TopUpEvent } from '../../../shared/domain/topup/topup.events';
import type { TopUpState } from '../../../shared/domain/topup/topup.saga';
import type { PaymentsPort } from '../../../shared/ports/payments.port';
import type { Logger } from '../../../shared/telemetry/logger';
import type { CommandDeps } from '../command-deps';

export type PaymentDeps = CommandDeps &
  Readonly<{
    payments: PaymentsPort;
    topUps: AggregateRepository<TopUpState, TopUpEvent>;
    logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  }>;

export function createPaymentDeps(
  commandDeps: CommandDeps,
  payments: PaymentsPort,
  logger: PaymentDeps['logger'],
): PaymentDeps {
  return { ...commandDeps, payments, logger, topUps: createTopUpRepository(commandDeps.store) };
}
