// Opens the system accounts (adjustments, Stripe clearing) of every currency once. Safe to run
// at every start and from several processes: an account that exists is left alone.
import { randomUUID } from 'node:crypto';
import { encodeDomainEvent } from '../../shared/domain/event-codec';
import { CURRENCY_CODES } from '../../shared/domain/money/money';
import { SYSTEM_ACCOUNTS } from '../../shared/domain/wallet/wallet.events';
import { openWallet } from '../../shared/domain/wallet/wallet-lifecycle.decider';
import { systemWalletId, walletStreamId } from '../../shared/domain/wallet/wallet.streams';
import { VersionConflict, type EventStore } from '../../shared/ports/event-store.port';

export async function bootstrapSystemAccounts(store: EventStore, now: Date): Promise<number> {
  let opened = 0;
  for (const currency of CURRENCY_CODES) {
    for (const account of SYSTEM_ACCOUNTS) {
      const walletId = systemWalletId(account, currency);
      const streamId = walletStreamId(walletId);
      if ((await store.streamVersion(streamId)) > 0n) continue;
      const [event] = openWallet(
        {
          type: 'OpenWallet',
          walletId,
          ownerId: null,
          kind: 'system',
          currency,
          systemAccount: account,
        },
        { status: 'absent' },
      );
      try {
        await store.append({
          streams: [
            {
              streamId,
              expectedVersion: 'no-stream',
              events: [
                {
                  eventId: randomUUID(),
                  ...encodeDomainEvent(event!),
                  metadata: { occurredAt: now.toISOString(), actorId: 'system' },
                },
              ],
            },
          ],
        });
        opened += 1;
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error; // Another process opened it.
      }
    }
  }
  return opened;
}
