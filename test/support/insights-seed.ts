// Seeds a month of activity for the statement and insights tests through the real HTTP API:
// an admin adjustment (a top-up-like credit), transfers both ways, payments to a merchant
// with references that name categories, and a refused transfer that must count nowhere.
// Returns the users, wallets and the position to read at (X-Min-Position).
import { randomUUID } from 'node:crypto';
import { encodeUserEvent } from '../../shared/domain/event-codec';
import { userId } from '../../shared/domain/ids';
import { userStreamId } from '../../shared/domain/user/user.streams';
import { encodePosition } from '../../shared/ports/event-store.port';
import { call, fund, openWallet, signUp, transfer, withRole, type Reply, type User } from './api';
import type { TestApp } from './test-app';

export type SeededMonth = Readonly<{
  admin: User;
  alice: User;
  bob: User;
  merchant: User;
  aliceWallet: string;
  bobWallet: string;
  position: string;
}>;

const positionOf = (reply: Reply): string => {
  const position = reply.headers.get('x-ledger-position');
  if (!position) throw new Error(`no position: ${reply.status} ${reply.text}`);
  return position;
};

export async function pay(
  app: TestApp, user: User, sourceWalletId: string, merchantId: string, amount: string,
  reference: string,
): Promise<Reply> {
  return call(app, 'POST', '/v1/payments', {
    token: user.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { sourceWalletId, merchantId, amount, currency: 'MYR', reference },
  });
}

/**
 * Alice: +100000 (adjustment), −12345 to Bob ("dinner"), +2000 from Bob, −4550 "GrabFood
 * lunch", −3000 "TNB electric bill", −999 "order 7" to the merchant, and a refused transfer
 * of 200000 (over the FREE per-transfer limit). Bob: +50000, +12345, −2000.
 */
export async function seedMonth(app: TestApp, admin?: User): Promise<SeededMonth> {
  const operator = admin ?? (await withRole(app, await signUp(app, 'admin'), 'admin'));
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const merchant = await withRole(app, await signUp(app, 'kedai'), 'merchant');
  const aliceWallet = await openWallet(app, alice);
  const bobWallet = await openWallet(app, bob);
  const replies: Reply[] = [];
  const ok = async (reply: Promise<Reply>, status: number) => {
    const answered = await reply;
    if (answered.status !== status) throw new Error(`seed: ${answered.status} ${answered.text}`);
    replies.push(answered);
  };
  await ok(fund(app, operator, aliceWallet, '100000'), 201);
  await ok(fund(app, operator, bobWallet, '50000'), 201);
  await ok(transfer(app, alice, {
    sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '12345', note: 'dinner',
  }), 201);
  await ok(transfer(app, bob, {
    sourceWalletId: bobWallet, targetWalletId: aliceWallet, amount: '2000', note: 'grab back',
  }), 201);
  await ok(pay(app, alice, aliceWallet, merchant.userId, '4550', 'GrabFood lunch'), 201);
  await ok(pay(app, alice, aliceWallet, merchant.userId, '3000', 'TNB electric bill'), 201);
  await ok(pay(app, alice, aliceWallet, merchant.userId, '999', 'order 7'), 201);
  await ok(transfer(app, alice, {
    sourceWalletId: aliceWallet, targetWalletId: bobWallet, amount: '200000', note: 'too much',
  }), 422);
  const position = replies.map(positionOf).at(-1)!;
  return { admin: operator, alice, bob, merchant, aliceWallet, bobWallet, position };
}

/**
 * Moves a user to PREMIUM as the plan saga would, by appending UserPlanChanged; returns the
 * position to read at.
 */
export async function makePremium(app: TestApp, user: User): Promise<string> {
  const event = encodeUserEvent({
    type: 'UserPlanChanged',
    data: { userId: userId(user.userId), plan: 'PREMIUM', reason: 'operator' },
  });
  const appended = await app.server.runtime.store.append({
    streams: [{
      streamId: userStreamId(userId(user.userId)),
      expectedVersion: 'any',
      events: [{
        eventId: randomUUID(), ...event, metadata: { occurredAt: new Date().toISOString() },
      }],
    }],
  });
  return encodePosition(appended.position!);
}
