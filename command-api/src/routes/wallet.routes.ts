// Opening wallets, and the admin routes that freeze, unfreeze and adjust them.
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodApp } from '../../../shared/http/create-http-server';
import { z } from 'zod/v4';
import { DEFAULT_CURRENCY } from '../../../shared/domain/money/money';
import { systemWalletId } from '../../../shared/domain/wallet/wallet.streams';
import { principalOf, requireRole } from '../../../shared/http/principal';
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
  ReasonSchema,
  WalletIdParams,
} from '../../../shared/http/schemas';
import { commandContext } from '../command-context';
import type { CommandDeps } from '../command-deps';
import { runCommand } from '../command-runner';
import { decideOpenWallet, handleAdjustment, handleFreeze } from '../handlers/wallet.handlers';
import { sendCommandReply } from './reply';
import { KEY_ACCEPTED, KEY_REQUIRED, SECURED } from './route-options';
import { AdjustedSchema, OpenedWalletSchema, WalletStatusSchema } from '../command-responses';

const OpenWalletBody = z.strictObject({ currency: CurrencySchema.optional() });
const FreezeBody = z.strictObject({ reason: ReasonSchema });
const AdjustmentBody = z.strictObject({
  amount: AmountSchema,
  currency: CurrencySchema,
  direction: z.enum(['credit', 'debit']),
  reason: ReasonSchema,
});
const WALLET_ERRORS = [...ALWAYS, ...AUTHENTICATED, ...WITH_BODY, ...COMMAND] as const;
/** Admin routes: 403 for other callers, 404 for a missing wallet. */
const ADMIN_ERRORS = [...WALLET_ERRORS, 403, 404] as const;

export function walletRoutes(deps: CommandDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();

    postWalletsRoute(app, deps);

    postAdminWalletsWalletIdFreezeRoute(app, deps);

    postAdminWalletsWalletIdUnfreezeRoute(app, deps);

    postAdminWalletsWalletIdAdjustmentsRoute(app, deps);
  };
}

function postWalletsRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/wallets',
    {
      schema: {
        body: OpenWalletBody.nullish(),
        tags: ['wallets'],
        ...SECURED,
        contract: KEY_ACCEPTED,
        response: responses({ 201: OpenedWalletSchema }, WALLET_ERRORS),
      },
    },
    async (request, reply) => {
      const ctx = commandContext(deps, request, false);
      const currency = request.body?.currency ?? DEFAULT_CURRENCY;
      const result = await runCommand(deps, {
        name: 'open_wallet',
        lockKeys: [ctx.seed],
        idempotency: ctx.idempotency,
        handle: async () => decideOpenWallet(ctx.seed, currency, 'user', ctx),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postAdminWalletsWalletIdFreezeRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/admin/wallets/:walletId/freeze',
    {
      schema: {
        params: WalletIdParams,
        body: FreezeBody,
        tags: ['admin'],
        ...SECURED,
        contract: KEY_ACCEPTED,
        response: responses({ 200: WalletStatusSchema }, ADMIN_ERRORS),
      },
    },
    async (request, reply) => {
      requireRole(principalOf(request), 'admin');
      const ctx = commandContext(deps, request, false);
      const { walletId } = request.params;
      const result = await runCommand(deps, {
        name: 'freeze_wallet',
        lockKeys: [walletId],
        idempotency: ctx.idempotency,
        handle: () =>
          handleFreeze(deps, { walletId, freeze: true, reason: request.body.reason }, ctx),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postAdminWalletsWalletIdUnfreezeRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/admin/wallets/:walletId/unfreeze',
    {
      schema: {
        params: WalletIdParams,
        tags: ['admin'],
        ...SECURED,
        contract: KEY_ACCEPTED,
        response: responses({ 200: WalletStatusSchema }, ADMIN_ERRORS),
      },
    },
    async (request, reply) => {
      requireRole(principalOf(request), 'admin');
      const ctx = commandContext(deps, request, false);
      const { walletId } = request.params;
      const result = await runCommand(deps, {
        name: 'unfreeze_wallet',
        lockKeys: [walletId],
        idempotency: ctx.idempotency,
        handle: () => handleFreeze(deps, { walletId, freeze: false, reason: 'unfreeze' }, ctx),
      });
      return sendCommandReply(reply, result);
    },
  );
}

function postAdminWalletsWalletIdAdjustmentsRoute(app: ZodApp, deps: CommandDeps): void {
  app.post(
    '/v1/admin/wallets/:walletId/adjustments',
    {
      schema: {
        params: WalletIdParams,
        body: AdjustmentBody,
        tags: ['admin'],
        ...SECURED,
        contract: KEY_REQUIRED,
        // Adjustments share the money routes' per-user rate limit.
        response: responses({ 201: AdjustedSchema }, ADMIN_ERRORS, [429]),
      },
    },
    async (request, reply) => {
      requireRole(principalOf(request), 'admin');
      const ctx = commandContext(deps, request, true);
      const { walletId } = request.params;
      const { body } = request;
      const result = await runCommand(deps, {
        name: 'adjustment',
        // The adjustments account is appended with 'any'; concurrent 'any' appends to one
        // stream can commit out of version order, which the projector would skip. Holding
        // its lock serialises them in this process (cross-process needs the store's fix).
        lockKeys: [walletId, systemWalletId('adjustments', body.currency)],
        idempotency: ctx.idempotency,
        handle: () =>
          handleAdjustment(
            deps,
            {
              walletId,
              amountMinor: BigInt(body.amount),
              currency: body.currency,
              direction: body.direction,
              reason: body.reason,
            },
            ctx,
          ),
      });
      return sendCommandReply(reply, result);
    },
  );
}
