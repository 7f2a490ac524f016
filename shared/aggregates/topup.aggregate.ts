// The top-up saga as an AggregateRepository loads it: stream `topup-<topUpId>`, events decoded
// by the domain codec, folded with the saga's pure evolveTopUp. Shared by the command API's
// top-up route and webhook, reconciliation and the sagas' timeout, so all see one state.
import { decodeTopUpEvent } from '../domain/event-codec';
import { topUpId, topUpStreamId, type TopUpEvent } from '../domain/topup/topup.events';
import { evolveTopUp, initialTopUpState, type TopUpState } from '../domain/topup/topup.saga';
import type { EventStore } from '../ports/event-store.port';
import { AggregateRepository, type AggregateType } from './aggregate-repository';

export const topUpAggregate: AggregateType<TopUpState, TopUpEvent> = Object.freeze({
  streamIdOf: (id: string) => topUpStreamId(topUpId(id)),
  decode: decodeTopUpEvent,
  evolve: evolveTopUp,
  initialState: initialTopUpState,
});

export const createTopUpRepository = (
  store: EventStore,
): AggregateRepository<TopUpState, TopUpEvent> => new AggregateRepository(store, topUpAggregate);
