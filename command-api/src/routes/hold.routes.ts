// Routes that reserve money: place a hold on a wallet, then capture or release it. Placing
// and capturing require an Idempotency-Key; releasing accepts one (a release is idempotent).
// A capture or release finds the hold's wallet by the hold's claim before it locks it.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { z } from 'zod/v4';
import { responses } from '../../../shared/http/responses';
import {
  AmountSchema,
  CurrencySchema,
  HoldIdParams,
  IdSchema,
  ReasonSchema,
  WalletIdParams,
} from '../../../shared/http/schemas';
import { commandContext } from '../command-context';
import type { CommandDeps } from '../command-deps';
import { runCommand } from '../command-runner';
import {
  findHoldWallet,
  handleCaptureHold,
  handlePlaceHold,
  handleReleaseHold,
} from '../handlers/hold.handlers';
import { sendCommandReply } from './reply';
import { KEY_ACCEPTED, KEY_REQUIRED, MONEY_ERRORS, SECURED } from './route-options';
import { HoldCapturedSchema, HoldPlacedSchema, HoldReleasedSchema } from '../command-responses';

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

export function holdRoutes(deps: CommandDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postWalletsWalletIdHoldsRoute(app, deps);

    postHoldsHoldIdCaptureRoute(app, deps);

    postHoldsHoldIdReleaseRoute(app, deps);
  };
}

function postWalletsWalletIdHoldsRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/wallets/:walletId/holds',
    {
      schema: {
        params: WalletIdParams,
        body: HoldBody,
        tags: ['holds'],
        ...SECURED,
        contract: KEY_REQUIRED,
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
        handle: () =>
          handlePlaceHold(
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
        ...SECURED,
        contract: KEY_REQUIRED,
        response: responses({ 200: HoldCapturedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, true);
      const { holdId } = request.params;
      const walletId = await findHoldWallet(deps, holdId);
      const result = await runCommand(deps, {
        name: 'capture_hold',
        lockKeys: [walletId, request.body.targetWalletId],
        idempotency: ctx.idempotency,
        handle: () =>
          handleCaptureHold(
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
        ...SECURED,
        contract: KEY_ACCEPTED,
        response: responses({ 200: HoldReleasedSchema }, MONEY_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, false);
      const { holdId } = request.params;
      const walletId = await findHoldWallet(deps, holdId);
      const result = await runCommand(deps, {
        name: 'release_hold',
        lockKeys: [walletId],
        idempotency: ctx.idempotency,
        handle: () => handleReleaseHold(deps, { walletId, holdId }, ctx),
      });
      return sendCommandReply(reply, result);
    },
  );
}
