// Goal: the codec reads every stored version (fixtures of the old ones included), upcasts to
// the latest, refuses what it does not know, and round-trips every domain event through
// JSON with money as digit strings on the wire and bigints in the domain.
import { z } from 'zod/v4';
import { InvariantViolation } from '../errors/assert';
import { HISTORIC_EVENT_FIXTURES } from './__fixtures__/historic-events';
import {
  createEventCodec,
  decodeDomainEvent,
  decodeUserEvent,
  decodeWalletEvent,
  domainEventCodec,
  encodeDomainEvent,
  EventDecodeFailed,
  type DomainEvent,
} from './event-codec';
import { defineEvent, historicVersion } from './event-definition';
import { holdId, movementId, userId } from './ids';
import { topUpEventDefinitions, topUpId } from './topup/topup.events';
import { userEventDefinitions } from './user/user.events';
import { walletEventDefinitions } from './wallet/wallet.events';
import {
  ALICE,
  BOB,
  closed,
  credited,
  debited,
  frozen,
  HOLD,
  holdPlacedOn,
  myr,
  NOW,
  opened,
  systemOpened,
} from './testing/wallet-fixtures';

const USER = userId('u-1');
const TOP_UP = topUpId('tu-1');
const AT = NOW.toISOString();
const SAMPLE_EVENTS: readonly DomainEvent[] = [
  opened(ALICE),
  systemOpened('stripe_clearing', 'JPY'),
  credited(ALICE, myr(1_050n), { kind: 'top_up' }),
  {
    ...debited(ALICE, myr(1n)),
    data: { ...debited(ALICE, myr(1n)).data, note: 'tea', reference: 'r-1' },
  },
  holdPlacedOn(ALICE, myr(999_999_999_999_999n)),
  {
    type: 'HoldCaptured',
    data: {
      walletId: ALICE,
      holdId: HOLD,
      movementId: movementId('m-1'),
      currency: 'MYR',
      capturedAmountMinor: 10n,
      releasedAmountMinor: 0n,
      targetWalletId: BOB,
    },
  },
  { type: 'HoldReleased', data: { walletId: ALICE, holdId: holdId('h-2') } },
  { type: 'HoldExpired', data: { walletId: ALICE, holdId: holdId('h-3') } },
  frozen(ALICE),
  { type: 'WalletUnfrozen', data: { walletId: ALICE } },
  closed(ALICE),
  {
    type: 'TransferRejected',
    data: {
      walletId: ALICE,
      movementId: movementId('m-2'),
      movementKind: 'transfer',
      code: 'insufficient_funds',
      currency: 'MYR',
      amountMinor: 5n,
      counterpartyWalletId: BOB,
      occurredAt: NOW.toISOString(),
    },
  },
  {
    type: 'FraudSuspected',
    data: {
      walletId: ALICE,
      hintId: 'fraud-hint-1',
      rules: ['velocity', 'late_night'],
      summary: '5 payments within 10 minutes',
      detectedAt: NOW.toISOString(),
    },
  },
  {
    type: 'UserRegistered',
    data: { userId: USER, email: 'aisyah@example.my', name: 'Aisyah', passwordSet: true },
  },
  { type: 'UserRoleGranted', data: { userId: USER, role: 'merchant' } },
  { type: 'UserRoleRevoked', data: { userId: USER, role: 'merchant' } },
  {
    type: 'UserPlanChanged',
    data: { userId: USER, plan: 'PREMIUM', reason: 'subscription_created' },
  },
  { type: 'UserPasswordChanged', data: { userId: USER } },
  {
    type: 'TopUpRequested',
    data: { topUpId: TOP_UP, walletId: ALICE, currency: 'MYR', amountMinor: 5_000n, requestedAt: AT },
  },
  {
    type: 'CheckoutSessionCreated',
    data: { topUpId: TOP_UP, checkoutSessionId: 'cs_1', checkoutUrl: 'https://x.test/cs_1', createdAt: AT },
  },
  {
    type: 'TopUpSucceeded',
    data: { topUpId: TOP_UP, stripeEventId: 'evt_1', paymentIntent: 'pi_1', succeededAt: AT },
  },
  { type: 'TopUpFailed', data: { topUpId: TOP_UP, stripeEventId: 'evt_2', failedAt: AT } },
  { type: 'TopUpExpired', data: { topUpId: TOP_UP, expiredAt: AT } },
  { type: 'TopUpCredited', data: { topUpId: TOP_UP, movementId: movementId('tu-1'), creditedAt: AT } },
];
const ALL_DEFINITIONS = [
  ...walletEventDefinitions,
  ...userEventDefinitions,
  ...topUpEventDefinitions,
];
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('upcasting', () => {
  test('a WalletOpened v1 (before merchant wallets) reads as a v2 user wallet', () => {
    const [fixture] = HISTORIC_EVENT_FIXTURES;
    expect(domainEventCodec.decode('WalletOpened', 1, fixture?.data)).toEqual({
      schemaVersion: 2,
      data: {
        walletId: '0b9e4c52-1d0c-4f0e-9a55-6f1f3f8f2a10',
        ownerId: '7d4a0b8e-3c51-4a8e-8f1e-2b9c6d1e5f34',
        kind: 'user',
        currency: 'MYR',
      },
    });
  });

  test('a v1 UserRegistered or UserPasswordChanged reads without its password hash', () => {
    const v1 = HISTORIC_EVENT_FIXTURES.filter((f) => f.type.startsWith('User'));
    expect(v1.map((f) => f.type).sort()).toEqual(['UserPasswordChanged', 'UserRegistered']);
    for (const fixture of v1) {
      expect(JSON.stringify(fixture.data)).toContain('scrypt$');
      const decoded = domainEventCodec.decode(fixture.type, 1, fixture.data);
      expect(decoded.schemaVersion).toBe(2);
      expect(JSON.stringify(decoded)).not.toMatch(/scrypt|passwordHash/);
    }
    const registered = v1.find((f) => f.type === 'UserRegistered');
    expect(domainEventCodec.decode('UserRegistered', 1, registered?.data).data).toEqual({
      userId: 'u-legacy-1',
      email: 'legacy@example.my',
      name: 'Legacy',
      passwordSet: true,
    });
  });

  test('a HoldPlaced v1 (before holds counted when placed) reads with placedAt null', () => {
    const fixture = HISTORIC_EVENT_FIXTURES.find((f) => f.type === 'HoldPlaced');
    const decoded = domainEventCodec.decode('HoldPlaced', 1, fixture?.data);
    expect(decoded).toEqual({
      schemaVersion: 2,
      data: expect.objectContaining({ amountMinor: '30000', placedAt: null }),
    });
  });

  test('every superseded schema version has a fixture', () => {
    const historic = ALL_DEFINITIONS.flatMap((definition) =>
      definition.history.map((_step, index) => `${definition.type} v${index + 1}`),
    );
    const fixtures = HISTORIC_EVENT_FIXTURES.map((f) => `${f.type} v${f.schemaVersion}`);
    expect(fixtures.sort()).toEqual(historic.sort());
  });

  test.each(HISTORIC_EVENT_FIXTURES.map((f) => [`${f.type} v${f.schemaVersion}`, f] as const))(
    '%s decodes to the latest version',
    (_name, fixture) => {
      const event = decodeDomainEvent(fixture);
      const latest = ALL_DEFINITIONS.find((d) => d.type === fixture.type)?.schemaVersion;
      expect(encodeDomainEvent(event).schemaVersion).toBe(latest);
    },
  );

  test('the output of an upcaster is validated against the next version', () => {
    const V1 = z.strictObject({ id: z.string() });
    const V2 = z.strictObject({ id: z.string(), size: z.number() });
    const codec = createEventCodec([
      defineEvent('Sized', V2, [historicVersion(V1, (v1) => ({ ...v1, size: 'big' }))]),
    ]);
    expect(() => codec.decode('Sized', 1, { id: 'a' })).toThrow(EventDecodeFailed);
  });
});

describe('round trip', () => {
  test('the samples cover every event type', () => {
    const sampled = new Set(SAMPLE_EVENTS.map((event) => event.type));
    expect([...sampled].sort()).toEqual(ALL_DEFINITIONS.map((d) => d.type).sort());
  });

  test.each(SAMPLE_EVENTS.map((event) => [event.type, event] as const))(
    '%s survives encode, JSON and decode unchanged',
    (_type, event) => {
      const stored = throughJson(encodeDomainEvent(event)) as ReturnType<typeof encodeDomainEvent>;
      expect(decodeDomainEvent(stored)).toEqual(event);
    },
  );

  test('money is a digit string on the wire and a bigint in the domain', () => {
    const encoded = encodeDomainEvent(credited(ALICE, myr(1_050n)));
    expect(encoded).toEqual(expect.objectContaining({ type: 'WalletCredited', schemaVersion: 1 }));
    expect(encoded.data.amountMinor).toBe('1050');
    expect(decodeWalletEvent(encoded).data).toEqual(
      expect.objectContaining({ amountMinor: 1_050n }),
    );
  });

  test('an invalid domain event is refused on write, as a bug', () => {
    expect(() => encodeDomainEvent(credited(ALICE, myr(0n)))).toThrow(InvariantViolation);
    const shouting: DomainEvent = {
      type: 'UserRegistered',
      data: { userId: USER, email: ' A@B.MY', name: 'A', passwordSet: true },
    };
    expect(() => encodeDomainEvent(shouting)).toThrow(InvariantViolation);
  });

  test('typed decoders refuse the other aggregate', () => {
    const userEvent = encodeDomainEvent({
      type: 'UserRoleGranted',
      data: { userId: USER, role: 'admin' },
    });
    expect(() => decodeWalletEvent(userEvent)).toThrow(EventDecodeFailed);
    expect(() => decodeUserEvent(encodeDomainEvent(opened(ALICE)))).toThrow(EventDecodeFailed);
  });
});

describe('refusals', () => {
  const valid = encodeDomainEvent(credited(ALICE, myr(100n))).data;

  test('an unknown type or version', () => {
    expect(() => domainEventCodec.decode('WalletTeleported', 1, valid)).toThrow(EventDecodeFailed);
    for (const version of [0, 2, 1.5, -1]) {
      expect(() => domainEventCodec.decode('WalletCredited', version, valid)).toThrow(
        EventDecodeFailed,
      );
    }
  });

  test.each([
    ['a number amount', { ...valid, amountMinor: 100 }],
    ['a decimal amount', { ...valid, amountMinor: '1.50' }],
    ['a negative amount', { ...valid, amountMinor: '-100' }],
    ['a zero amount', { ...valid, amountMinor: '0' }],
    ['a leading zero', { ...valid, amountMinor: '0100' }],
    ['an unknown field', { ...valid, balanceAfter: '100' }],
    ['a missing field', { ...valid, currency: undefined }],
    ['an unknown currency', { ...valid, currency: 'XYZ' }],
  ])('invalid data: %s', (_name, data) => {
    expect(() => domainEventCodec.decode('WalletCredited', 1, throughJson(data))).toThrow(
      EventDecodeFailed,
    );
  });

  test('an invalid old version', () => {
    expect(() =>
      domainEventCodec.decode('WalletOpened', 1, { walletId: 'w-1', currency: 'MYR' }),
    ).toThrow(EventDecodeFailed);
  });

  test('a system wallet with an owner, or a user wallet without one', () => {
    const system = encodeDomainEvent(systemOpened('adjustments', 'MYR')).data;
    expect(() => domainEventCodec.decode('WalletOpened', 2, { ...system, ownerId: 'u-1' })).toThrow(
      EventDecodeFailed,
    );
    const user = encodeDomainEvent(opened(ALICE)).data;
    expect(() => domainEventCodec.decode('WalletOpened', 2, { ...user, ownerId: null })).toThrow(
      EventDecodeFailed,
    );
  });

  test('two definitions of one type', () => {
    const definition = defineEvent('Twice', z.strictObject({}));
    expect(() => createEventCodec([definition, definition])).toThrow(InvariantViolation);
  });
});
