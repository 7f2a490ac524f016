// The wallet aggregate as an AggregateRepository loads it: stream `wallet-<walletId>`, events
// decoded (and upcast) by the domain codec, folded with the pure evolveWallet. Shared by the
// command API and the sagas, so both see a wallet exactly the same way.
// The store has already decoded and upcast each payload; only the typed form is made here.
import { walletEventOf } from '../domain/decode-stored-event';
import { walletId } from '../domain/ids';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { evolveWallet } from '../domain/wallet/wallet.evolve';
import { initialWalletState, type WalletState } from '../domain/wallet/wallet.state';
import { walletStreamId } from '../domain/wallet/wallet.streams';
import type { EventStore } from '../ports/event-store.port';
import { AggregateRepository, type AggregateType } from './aggregate-repository';

export const walletAggregate: AggregateType<WalletState, WalletEvent> = Object.freeze({
  streamIdOf: (id: string) => walletStreamId(walletId(id)),
  decode: walletEventOf,
  evolve: evolveWallet,
  initialState: initialWalletState,
});

export const createWalletRepository = (
  store: EventStore,
): AggregateRepository<WalletState, WalletEvent> => new AggregateRepository(store, walletAggregate);
