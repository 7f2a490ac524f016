// `tng stripe reconcile --since <t>`: walks the Checkout Sessions created since `since` (the
// payments port, page by page) and fulfils every paid top-up session whose saga is not
// credited, through the webhook's own path (fulfil-top-up.ts) with a synthetic input whose
// Stripe event id is `reconcile-<sessionId>`, so a second run, or a webhook arriving later,
// changes nothing. Safe to run any time. Bounded: RECONCILE_PAGES_MAX pages.
import { TopUpIdSchema } from '../../../shared/domain/topup/topup.events';
import {
  CHECKOUT_SESSION_PAGE_SIZE_MAX,
  type CheckoutSessionSummary,
} from '../../../shared/ports/payments.port';
import { fulfilTopUpInput } from './fulfil-top-up';
import type { PaymentDeps } from './payment-deps';

export const RECONCILE_PAGES_MAX = 1_000;

export type ReconcileAction =
  | 'credited'
  | 'already_settled'
  /** Paid at Stripe, but the saga expired or failed first: needs an operator (a refund). */
  | 'paid_but_closed'
  | 'not_paid'
  | 'not_a_top_up'
  | 'unknown_top_up'
  | 'amount_mismatch';

export type ReconcileLine = Readonly<{
  sessionId: string;
  topUpId: string | null;
  action: ReconcileAction;
}>;

export type ReconcileReport = Readonly<{ sessions: number; lines: readonly ReconcileLine[] }>;

export async function reconcileTopUps(deps: PaymentDeps, since: Date): Promise<ReconcileReport> {
  const lines: ReconcileLine[] = [];
  let startingAfter: string | undefined;
  for (let page = 0; page < RECONCILE_PAGES_MAX; page += 1) {
    const listed = await deps.payments.listCheckoutSessions({
      createdSince: since,
      limit: CHECKOUT_SESSION_PAGE_SIZE_MAX,
      ...(startingAfter ? { startingAfter } : {}),
    });
    for (const session of listed.sessions) lines.push(await reconcileSession(deps, session));
    const last = listed.sessions.at(-1);
    if (!listed.hasMore || !last) break;
    startingAfter = last.id;
  }
  return { sessions: lines.length, lines };
}

async function reconcileSession(
  deps: PaymentDeps,
  session: CheckoutSessionSummary,
): Promise<ReconcileLine> {
  const parsed = TopUpIdSchema.safeParse(session.clientReferenceId ?? session.metadata['topUpId']);
  const line = (topUpId: string | null, action: ReconcileAction) =>
    ({ sessionId: session.id, topUpId, action });
  if (session.mode !== 'payment' || !parsed.success) return line(null, 'not_a_top_up');
  const topUpId = parsed.data;
  if (session.paymentStatus !== 'paid') return line(topUpId, 'not_paid');
  const saga = await deps.topUps.load(topUpId);
  if (saga.state.status === 'absent') return line(topUpId, 'unknown_top_up');
  if (saga.state.status === 'credited') return line(topUpId, 'already_settled');
  if (saga.state.status === 'failed' || saga.state.status === 'expired') {
    deps.logger.error({ topUpId, sessionId: session.id }, 'paid session of a closed top-up');
    return line(topUpId, 'paid_but_closed');
  }
  const input = {
    type: 'StripePaid',
    stripeEventId: `reconcile-${session.id}`,
    ...(session.paymentIntent ? { paymentIntent: session.paymentIntent } : {}),
    now: deps.clock(),
  } as const;
  const charged = { amountTotalMinor: session.amountTotalMinor, currency: session.currency };
  const outcome = await fulfilTopUpInput(
    deps,
    { topUpId, checkoutSessionId: session.id, input },
    charged,
  );
  if (outcome === 'processed') return line(topUpId, 'credited');
  if (outcome === 'amount_mismatch') return line(topUpId, 'amount_mismatch');
  return line(topUpId, 'already_settled');
}
