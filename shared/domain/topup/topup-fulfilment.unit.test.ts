// Goal: a paid webhook yields the saga's outcome, the wallet credit and the clearing debit
// together (one append); a repeat yields nothing; a refused credit leaves the saga paid, and
// the next input credits it.
import { foldEvents } from '../decider';
import { movementId } from '../ids';
import { ALICE, closed, credited, myr, NOW, opened, systemOpened } from '../testing/wallet-fixtures';
import type { WalletEvent } from '../wallet/wallet.events';
import { evolveWallet } from '../wallet/wallet.evolve';
import { initialWalletState } from '../wallet/wallet.state';
import { topUpId, type TopUpEvent } from './topup.events';
import { fulfilTopUp } from './topup-fulfilment';
import { topUpDecider, type TopUpInput } from './topup.saga';

const ID = topUpId('tu-9');
const wallet = (...events: WalletEvent[]) =>
  foldEvents({ evolve: evolveWallet, initialState: initialWalletState }, events);
const clearing = wallet(systemOpened('stripe_clearing', 'MYR'));
const requested: TopUpEvent = {
  type: 'TopUpRequested',
  data: {
    topUpId: ID,
    walletId: ALICE,
    currency: 'MYR',
    amountMinor: 700n,
    checkoutSessionId: 'cs_9',
    requestedAt: NOW.toISOString(),
  },
};
const paid: TopUpInput = { type: 'StripePaid', stripeEventId: 'evt_9', now: NOW };
const saga = (...events: TopUpEvent[]) => foldEvents(topUpDecider, events);

test('a paid webhook: succeeded + credited on the saga, credit and clearing debit', () => {
  const result = fulfilTopUp(paid, saga(requested), wallet(opened(ALICE)), clearing);
  expect(result.topUp.map((e) => e.type)).toEqual(['TopUpSucceeded', 'TopUpCredited']);
  expect(result.wallet).toEqual([
    expect.objectContaining({
      type: 'WalletCredited',
      data: expect.objectContaining({ movementId: 'tu-9', amountMinor: 700n, movementKind: 'top_up' }),
    }),
  ]);
  expect(result.system.map((e) => e.type)).toEqual(['WalletDebited']);
  expect(result.creditRefused).toBeNull();
});

test('the same webhook after fulfilment: nothing at all', () => {
  const first = fulfilTopUp(paid, saga(requested), wallet(opened(ALICE)), clearing);
  const again = fulfilTopUp(paid, saga(requested, ...first.topUp), wallet(opened(ALICE)), clearing);
  expect(again).toEqual({ topUp: [], wallet: [], system: [], creditRefused: null });
});

test('a refused credit keeps the saga paid; the next input credits it', () => {
  const closedWallet = wallet(opened(ALICE), closed(ALICE));
  const refused = fulfilTopUp(paid, saga(requested), closedWallet, clearing);
  expect(refused.topUp.map((e) => e.type)).toEqual(['TopUpSucceeded']);
  expect(refused.wallet).toEqual([]);
  expect(refused.creditRefused?.code).toBe('wallet_closed');
  const paidSaga = saga(requested, ...refused.topUp);
  const retried = fulfilTopUp(paid, paidSaga, wallet(opened(ALICE)), clearing);
  expect(retried.topUp.map((e) => e.type)).toEqual(['TopUpCredited']);
  expect(retried.wallet.map((e) => e.type)).toEqual(['WalletCredited']);
});

test('a wallet already credited (movement id = top-up id) only records the credit', () => {
  const before = wallet(opened(ALICE), credited(ALICE, myr(700n), { movementId: movementId('tu-9') }));
  const result = fulfilTopUp(paid, saga(requested), before, clearing);
  expect(result.topUp.map((e) => e.type)).toEqual(['TopUpSucceeded', 'TopUpCredited']);
  expect(result.wallet).toEqual([]);
});

test('an expiry decides no credit', () => {
  const expire: TopUpInput = { type: 'Expire', stripeEventId: 'evt_x', now: NOW };
  const result = fulfilTopUp(expire, saga(requested), wallet(opened(ALICE)), clearing);
  expect(result.topUp.map((e) => e.type)).toEqual(['TopUpExpired']);
  expect(result.wallet).toEqual([]);
});
