// Goal: speculative states (aggregate-repository.ts). A decision on cached state sees the
// state an append in flight will leave, and its read set names that append (so its own
// append is chained after it); a fresh load waits for the append and reads what committed;
// a fresh load under the store's locks does not wait and reads on from the last committed
// state; a failed append takes the speculative state back to that committed one.
import { InMemoryEventStore } from '../adapters/event-store/in-memory.event-store';
import type { AppendResult, NewEvent } from '../ports/event-store.port';
import { anEvent } from '../testing/event-builders';
import { AggregateRepository } from './aggregate-repository';
import { withReadSet } from './read-set';

/** An aggregate that counts its events: its state is its version. */
const counter = (store: InMemoryEventStore) => new AggregateRepository<number, string>(store, {
  streamIdOf: (id) => `counter-${id}`,
  decode: (recorded) => recorded.type,
  evolve: (count) => count + 1,
  initialState: () => 0,
});

const append = (store: InMemoryEventStore, id: string, expected: bigint, events: NewEvent[]) =>
  store.append({ streams: [{ streamId: `counter-${id}`, expectedVersion: expected, events }] });

/** An append that settles when told, standing for one in flight. */
function inFlight(): { pending: Promise<AppendResult>; succeed(): void; fail(): void } {
  let succeed!: () => void;
  let fail!: () => void;
  const pending = new Promise<AppendResult>((resolve, reject) => {
    succeed = () => resolve({ nextVersions: new Map(), position: null });
    fail = () => reject(new Error('lost'));
  });
  pending.catch(() => undefined);
  return { pending, succeed, fail };
}

async function twoCommitted() {
  const store = new InMemoryEventStore();
  const repository = counter(store);
  await append(store, 'a', 0n, [anEvent(), anEvent()]);
  expect(await repository.load('a')).toEqual({ state: 2, version: 2n });
  return { store, repository };
}

test('a decision on cached state sees the speculative state and names its append', async () => {
  const { repository } = await twoCommitted();
  const flight = inFlight();
  repository.speculate('a', [anEvent()], 3n, flight.pending);
  const { result, reads, after } = await withReadSet(false, () => repository.load('a'));
  expect(result).toEqual({ state: 3, version: 3n });
  expect(reads.get('counter-a')).toBe(3n);
  expect([...after]).toEqual([flight.pending]);
});

test('a fresh load waits for the append in flight, then reads what committed', async () => {
  const { store, repository } = await twoCommitted();
  const flight = inFlight();
  const event = anEvent();
  repository.speculate('a', [event], 3n, flight.pending);
  let loaded: unknown;
  const fresh = withReadSet(true, () => repository.load('a')).then((r) => { loaded = r.result; });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(loaded).toBeUndefined(); // Still waiting for the append.
  await append(store, 'a', 2n, [event]);
  flight.succeed();
  await fresh;
  expect(loaded).toEqual({ state: 3, version: 3n });
});

test('under the store locks a fresh load does not wait: it reads from the committed state',
  async () => {
    const { store, repository } = await twoCommitted();
    const flight = inFlight(); // Never settles here: waiting for it would hang the test.
    repository.speculate('a', [anEvent()], 3n, flight.pending);
    repository.speculate('a', [anEvent()], 4n, inFlight().pending);
    await append(store, 'a', 2n, [anEvent()]); // Another writer's event, committed.
    const { result } = await withReadSet(true, () => repository.load('a'),
      { underStoreLocks: true });
    expect(result).toEqual({ state: 3, version: 3n });
  });

test('a failed append takes the speculative state back to the committed one', async () => {
  const { repository } = await twoCommitted();
  const flight = inFlight();
  repository.speculate('a', [anEvent()], 3n, flight.pending);
  flight.fail();
  await new Promise((resolve) => setImmediate(resolve));
  const { result, after } = await withReadSet(false, () => repository.load('a'));
  expect(result).toEqual({ state: 2, version: 2n });
  expect(after.size).toBe(0);
});

/** An aggregate whose state is its events' notes: two states at one version can differ. */
const notes = (store: InMemoryEventStore) => new AggregateRepository<string[], string>(store, {
  streamIdOf: (id) => `counter-${id}`,
  decode: (recorded) => String((recorded.data as { note?: unknown }).note),
  evolve: (state, note) => [...state, note],
  initialState: () => [],
});

const noted = (note: string) => anEvent({ data: { amountMinor: '1', note } });

test('a commit decided elsewhere never folds onto a speculative state', async () => {
  // Seen over two processes: an append decided on another state committed while the entry
  // held a speculation one version short of it. Folding the commit onto the speculation
  // cached, as committed, a state the log never had, at a version the log has.
  const store = new InMemoryEventStore();
  const repository = notes(store);
  await append(store, 'a', 0n, [noted('opened')]);
  await repository.load('a');
  const doomed = inFlight();
  repository.speculate('a', [noted('speculated')], 2n, doomed.pending);
  const elsewhere = [noted('decided'), noted('elsewhere')];
  await append(store, 'a', 1n, elsewhere);
  repository.advance('a', elsewhere, 3n); // Onto the committed state under the speculation.
  doomed.fail();
  await new Promise((resolve) => setImmediate(resolve));
  const { result, after } = await withReadSet(false, () => repository.load('a'));
  expect(result).toEqual({ state: ['opened', 'decided', 'elsewhere'], version: 3n });
  expect(after.size).toBe(0);
});

test('with no committed base it can fold onto, such a commit drops the entry', async () => {
  const store = new InMemoryEventStore();
  const repository = notes(store);
  await append(store, 'a', 0n, [noted('opened')]);
  await repository.load('a');
  repository.speculate('a', [noted('speculated')], 2n, inFlight().pending);
  const elsewhere = noted('elsewhere');
  await append(store, 'a', 1n, [noted('other writer'), elsewhere]);
  repository.advance('a', [elsewhere], 3n); // Committed base (1) + 1 event is not 3.
  const { result } = await withReadSet(false, () => repository.load('a'));
  expect(result).toEqual({ state: ['opened', 'other writer', 'elsewhere'], version: 3n });
});
