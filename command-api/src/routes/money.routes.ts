// Routes that move money or reserve it: transfers, merchant payments, holds. Every one
// requires an Idempotency-Key; each is run by runCommand under the caller's key scope.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { z } from 'zod/v4';
import { principalOf } from '../../../shared/http/principal';
import {
  ALWAYS,
  AUTHENTICATED,
  COMMAND,
  responses,
  WITH_BODY,
} from '../../../shared/http/responses';
import {
  AmountSchema,
  CurrencySchema,
  HoldIdParams,
  IdSchema,
  NoteSchema,
  ReasonSchema,
  ReferenceSchema,
  WalletIdParams,
} from '../../../shared/http/schemas';
import type { CommandDeps } from '../command-deps';
import { deterministicUuid, runCommand } from '../command-runner';
import { decideMovement } from '../handlers/transfer.handler';
import { merchantWalletTarget } from '../handlers/merchant-wallet';
import {
  decideCaptureHold,
  decidePlaceHold,
  decideReleaseHold,
  holdWallet,
} from '../handlers/wallet.handlers';
import { idempotencyContext } from '../idempotency';
import { metadataFor } from '../new-events';
import { sendCommandReply } from './reply';
import {
  HoldCapturedSchema,
  HoldPlacedSchema,
  HoldReleasedSchema,
  PaymentAcceptedSchema,
  TransferAcceptedSchema,
} from '../command-responses';

const TransferBody = z.strictObject({
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
const HoldBody = z.strictObject({
  amount: AmountSchema,
  currency: CurrencySchema,
  reason: ReasonSchema,
  expiresInSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .optional(),
});
const CaptureBody = z.strictObject({ targetWalletId: IdSchema, amount: AmountSchema.optional() });
const secured = { security: [{ bearer: [] }] };
/** Money routes: a missing or foreign wallet or hold is 404; each is rate limited per user. */
const MONEY_ERRORS = [...ALWAYS, ...AUTHENTICATED, ...WITH_BODY, ...COMMAND, 404, 429] as const;
const keyRequired = { idempotencyKey: 'required', ledgerPosition: true } as const;

/** The caller, a fresh-or-replayed id seed, the clock and metadata of one command. */
function commandContext(deps: CommandDeps, request: FastifyRequest, required: boolean) {
  const callerId = principalOf(request).userId;
  const idempotency = idempotencyContext(request, callerId, { required });
  // Derived from the key, so twin requests decide identical events (stored once).
  const seed = idempotency ? deterministicUuid(`${callerId}:${idempotency.key}`) : deps.newId();
  const now = deps.clock();
  return {
    callerId,
    idempotency,
    seed,
    now,
    metadata: metadataFor({ id: request.id, principalId: callerId }, now),
  };
}

export function moneyRoutes(deps: CommandDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postTransfersRoute(app, deps);

    postPaymentsRoute(app, deps);
  };
}

export function holdRoutes(deps: CommandDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postWalletsWalletIdHoldsRoute(app, deps);

    postHoldsHoldIdCaptureRoute(app, deps);

    postHoldsHoldIdReleaseRoute(app, deps);
  };
}

export { commandContext };

function postTransfersRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/transfers',
    {
      schema: {
        body: TransferBody,
        tags: ['money'],
        ...secured,
        contract: keyRequired,
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
        decide: () =>
          decideMovement(deps, {
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
        ...secured,
        contract: keyRequired,
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
        decide: () =>
          decideMovement(deps, {
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

function postWalletsWalletIdHoldsRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/wallets/:walletId/holds',
    {
      schema: {
        params: WalletIdParams,
        body: HoldBody,
        tags: ['holds'],
        ...secured,
        contract: keyRequired,
        response: responses({ 201: HoldPlacedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { walletId } = request.params;
      const { body } = request;
      const result = await runCommand(deps, {
        name: 'place_hold',
        lockKeys: [walletId],
        idempotency: ctx.idempotency,
        decide: () =>
          decidePlaceHold(
            deps,
            {
              walletId,
              holdId: ctx.seed,
              amountMinor: BigInt(body.amount),
              currency: body.currency,
              reason: body.reason,
              ...(body.expiresInSeconds !== undefined
                ? { expiresInSeconds: body.expiresInSeconds }
                : {}),
            },
            ctx,
          ),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postHoldsHoldIdCaptureRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/holds/:holdId/capture',
    {
      schema: {
        params: HoldIdParams,
        body: CaptureBody,
        tags: ['holds'],
        ...secured,
        contract: keyRequired,
        response: responses({ 200: HoldCapturedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { holdId } = request.params;
      const walletId = await holdWallet(deps, holdId);
      const result = await runCommand(deps, {
        name: 'capture_hold',
        lockKeys: [walletId, request.body.targetWalletId],
        idempotency: ctx.idempotency,
        decide: () =>
          decideCaptureHold(
            deps,
            {
              walletId,
              holdId,
              targetWalletId: request.body.targetWalletId,
              ...(request.body.amount !== undefined
                ? { amountMinor: BigInt(request.body.amount) }
                : {}),
            },
            ctx,
          ),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postHoldsHoldIdReleaseRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/holds/:holdId/release',
    {
      schema: {
        params: HoldIdParams,
        tags: ['holds'],
        ...secured,
        contract: { idempotencyKey: 'optional', ledgerPosition: true },
        response: responses({ 200: HoldReleasedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, false);
      const { holdId } = request.params;
      const walletId = await holdWallet(deps, holdId);
      const result = await runCommand(deps, {
        name: 'release_hold',
        lockKeys: [walletId],
        idempotency: ctx.idempotency,
        decide: () => decideReleaseHold(deps, { walletId, holdId }, ctx),
      });
      return sendCommandReply(reply, result);
    },
  );
}
