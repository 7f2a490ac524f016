// The PaymentsPort contract: what the Stripe adapter (against the fake Stripe server) and the
// built-in simulator both guarantee. Run by stripe.payments.int.test.ts and
// simulator.payments.int.test.ts; never alone. Sessions come back once per idempotency key,
// carry our top-up's (or user's) ids, are listed newest first with paging and a lower bound,
// and webhooks verify only when signed over the exact bytes within the tolerance.
import { randomUUID } from 'node:crypto';
import { money } from '../../domain/money/money';
import type { CheckoutSessionSummary, PaymentsPort } from '../../ports/payments.port';

export type PaymentsHarness = Readonly<{
  payments: PaymentsPort;
  /** The Stripe-Signature header the processor would send for `body` at `timestamp`. */
  sign(body: string, timestamp: number): string;
  /** The customer paid the session. */
  markPaid(sessionId: string): Promise<void>;
  stop(): Promise<void>;
}>;

export function paymentsContract(adapterName: string, start: () => Promise<PaymentsHarness>): void {
  describe(`PaymentsPort contract: ${adapterName}`, () => {
    let subject: PaymentsHarness;
    beforeEach(async () => {
      subject = await start();
    });
    afterEach(() => subject.stop());

    const topUp = (key = randomUUID()) => {
      const topUpId = `tu-${randomUUID()}`;
      return subject.payments.createTopUpCheckout({
        topUpId, walletId: 'w-alice', amount: money('MYR', 1050n), idempotencyKey: `topup-checkout-${key}`,
      }).then((link) => ({ ...link, topUpId }));
    };
    const list = (limit: number, startingAfter?: string, createdSince = new Date(0)) =>
      subject.payments.listCheckoutSessions({
        createdSince, limit, ...(startingAfter ? { startingAfter } : {}),
      });
    const listAll = async (): Promise<CheckoutSessionSummary[]> => [...(await list(100)).sessions];

    test('the same idempotency key gives the same session; another key another', async () => {
      const key = randomUUID();
      const first = await topUp(key);
      const again = await topUp(key);
      const other = await topUp();
      expect(again.sessionId).toBe(first.sessionId);
      expect(again.url).toBe(first.url);
      expect(other.sessionId).not.toBe(first.sessionId);
      expect(await listAll()).toHaveLength(2);
    });

    test('a top-up session carries our ids, amount and currency, unpaid until paid', async () => {
      const link = await topUp();
      const [listed] = await listAll();
      expect(listed).toMatchObject({
        id: link.sessionId, mode: 'payment', status: 'open', paymentStatus: 'unpaid',
        clientReferenceId: link.topUpId, amountTotalMinor: 1050n, currency: 'MYR',
      });
      expect(listed!.metadata).toEqual({ topUpId: link.topUpId, walletId: 'w-alice' });
      await subject.markPaid(link.sessionId);
      expect((await listAll())[0]).toMatchObject({ status: 'complete', paymentStatus: 'paid' });
    });

    test('the premium checkout is a subscription session naming the user', async () => {
      const link = await subject.payments.createPremiumCheckout({
        userId: 'u-carol', idempotencyKey: `premium-${randomUUID()}`,
      });
      expect((await listAll())[0]).toMatchObject({
        id: link.sessionId, mode: 'subscription', metadata: { userId: 'u-carol' },
      });
    });

    test('listing pages newest first without gaps or repeats, from a lower bound', async () => {
      const created = [];
      for (let i = 0; i < 3; i += 1) created.push((await topUp()).sessionId);
      const first = await list(2);
      expect(first.hasMore).toBe(true);
      const second = await list(2, first.sessions.at(-1)!.id);
      expect(second.hasMore).toBe(false);
      const ids = [...first.sessions, ...second.sessions].map((session) => session.id);
      expect([...ids].sort()).toEqual([...created].sort());
      const future = new Date(Date.now() + 3_600_000);
      expect((await list(10, undefined, future)).sessions).toEqual([]);
    });

    test('a webhook verifies only when signed over the exact bytes, within 300 s', () => {
      const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', created: 1, data: { object: { id: 'cs_1' } } });
      const now = new Date();
      const t = Math.floor(now.getTime() / 1000);
      const verify = (raw: string, header: string | undefined) =>
        subject.payments.verifyWebhook(Buffer.from(raw, 'utf8'), header, now);
      const ok = verify(body, subject.sign(body, t));
      expect(ok).toEqual({ ok: true, event: expect.objectContaining({ id: 'evt_1', created: 1 }) });
      expect(verify(JSON.stringify(JSON.parse(body), null, 1), subject.sign(body, t)))
        .toEqual({ ok: false, reason: 'bad_signature' });
      expect(verify(body, subject.sign(body, t - 301))).toEqual({ ok: false, reason: 'stale_timestamp' });
      expect(verify(body, undefined)).toEqual({ ok: false, reason: 'malformed_header' });
      expect(verify('not json', subject.sign('not json', t))).toEqual({ ok: false, reason: 'bad_body' });
    });
  });
}
