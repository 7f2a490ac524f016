// Goal: the bounded dedupe memory keeps at least the last `capacity` keys, never grows past
// its bound, answers with a key's newest value, and never changes a state already returned.
import {
  emptyRecentEntries,
  recentAdd,
  recentGet,
  recentHas,
  recentSize,
  RECENT_CHUNK_SIZE_MAX,
  type RecentEntries,
} from './recent-entries';

const CAPACITY = 200;
const addMany = (count: number): RecentEntries<string, number> => {
  let recent = emptyRecentEntries<string, number>(CAPACITY);
  for (let index = 0; index < count; index += 1) recent = recentAdd(recent, `id-${index}`, index);
  return recent;
};

test('remembers at least the last `capacity` keys and stays bounded', () => {
  for (const count of [0, 1, CAPACITY - 1, CAPACITY, CAPACITY + 1, 5 * CAPACITY]) {
    const recent = addMany(count);
    for (let index = Math.max(0, count - CAPACITY); index < count; index += 1) {
      expect(recentGet(recent, `id-${index}`)).toBe(index);
    }
    expect(recentSize(recent)).toBeLessThan(CAPACITY + 2 * RECENT_CHUNK_SIZE_MAX);
  }
});

test('forgets the oldest keys once well past capacity', () => {
  const recent = addMany(5 * CAPACITY);
  expect(recentHas(recent, 'id-0')).toBe(false);
});

test('answers with the newest value of a key added twice', () => {
  const once = recentAdd(emptyRecentEntries<string, string>(CAPACITY), 'h-1', 'released');
  expect(recentGet(recentAdd(once, 'h-1', 'expired'), 'h-1')).toBe('expired');
});

test('an add leaves the earlier state unchanged (evolve stays pure)', () => {
  const before = addMany(10);
  recentAdd(before, 'id-new', 99);
  expect(recentHas(before, 'id-new')).toBe(false);
  expect(recentSize(before)).toBe(10);
});
