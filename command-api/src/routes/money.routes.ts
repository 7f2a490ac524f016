// Routes that move money: transfers and merchant payments. Both require an Idempotency-Key;
// each is run by runCommand under the caller's key scope.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { z } from 'zod/v4';
import { responses } from '../../../shared/http/responses';
import {
  AmountSchema,
  CurrencySchema,
  IdSchema,
  NoteSchema,
  ReferenceSchema,
} from '../../../shared/http/schemas';
import { commandContext } from '../command-context';
import type { CommandDeps } from '../command-deps';
import { runCommand } from '../command-runner';
import { handleMovement } from '../handlers/transfer.handler';
import { merchantWalletTarget } from '../handlers/merchant-wallet';
import { sendCommandReply } from './reply';
import { KEY_REQUIRED, MONEY_ERRORS, SECURED } from './route-options';
import { PaymentAcceptedSchema, TransferAcceptedSchema } from '../command-responses';

// Exported for the bench's JWT reference (scripts/bench/jwt-reference.server.ts), which checks
// the same body without the database.
export const TransferBody = z.strictObject({
  sourceWalletId: IdSchema,
  targetWalletId: IdSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  note: NoteSchema.optional(),
});
const PaymentBody = z.strictObject({
  sourceWalletId: IdSchema,
  merchantId: IdSchema,
  amount: AmountSchema,
  currency: CurrencySchema,
  reference: ReferenceSchema,
});

export function moneyRoutes(deps: CommandDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postTransfersRoute(app, deps);

    postPaymentsRoute(app, deps);
  };
}

function postTransfersRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/transfers',
    {
      schema: {
        body: TransferBody,
        tags: ['money'],
        ...SECURED,
        contract: KEY_REQUIRED,
        response: responses({ 201: TransferAcceptedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { body } = request;
      const result = await runCommand(deps, {
        name: 'transfer',
        lockKeys: [body.sourceWalletId, body.targetWalletId],
        idempotency: ctx.idempotency,
        handle: () =>
          handleMovement(deps, {
            kind: 'transfer',
            movementId: ctx.seed,
            callerId: ctx.callerId,
            sourceWalletId: body.sourceWalletId,
            targetWalletId: body.targetWalletId,
            amountMinor: BigInt(body.amount),
            currency: body.currency,
            ...(body.note !== undefined ? { note: body.note } : {}),
            metadata: ctx.metadata,
            now: ctx.now,
          }),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postPaymentsRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/payments',
    {
      schema: {
        body: PaymentBody,
        tags: ['money'],
        ...SECURED,
        contract: KEY_REQUIRED,
        response: responses({ 201: PaymentAcceptedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { body } = request;
      const target = await merchantWalletTarget(deps, body.merchantId, body.currency);
      const result = await runCommand(deps, {
        name: 'payment',
        lockKeys: [body.sourceWalletId, target.walletId],
        idempotency: ctx.idempotency,
        handle: () =>
          handleMovement(deps, {
            kind: 'payment',
            movementId: ctx.seed,
            callerId: ctx.callerId,
            sourceWalletId: body.sourceWalletId,
            targetWalletId: target.walletId,
            amountMinor: BigInt(body.amount),
            currency: body.currency,
            reference: body.reference,
            metadata: ctx.metadata,
            now: ctx.now,
            openTarget: target.openIfAbsent,
          }),
      });
      return sendCommandReply(reply, result);
    },
  );
}
