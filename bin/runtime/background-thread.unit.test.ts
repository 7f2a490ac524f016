// Goal: BACKGROUND_THREAD decides where tng serve runs the background services: on and off
// as said, auto by the machine's cores (a thread only from BACKGROUND_THREAD_CORES_MIN).
import { BACKGROUND_THREAD_CORES_MIN, backgroundThreadWanted } from './background-thread';

test('on and off hold on any machine; auto wants the cores', () => {
  for (const cores of [1, 2, BACKGROUND_THREAD_CORES_MIN, 64]) {
    expect(backgroundThreadWanted('on', cores)).toBe(true);
    expect(backgroundThreadWanted('off', cores)).toBe(false);
  }
  expect(backgroundThreadWanted('auto', 2)).toBe(false);
  expect(backgroundThreadWanted('auto', BACKGROUND_THREAD_CORES_MIN - 1)).toBe(false);
  expect(backgroundThreadWanted('auto', BACKGROUND_THREAD_CORES_MIN)).toBe(true);
});
