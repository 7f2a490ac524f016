// Goal: a replay of the log (projections rebuild and verify) is refused when the log is in
// KurrentDB, before it starts: its bound counts events in Postgres, which holds none then.
import { ConfigError } from '../../shared/config/load-config';
import type { Runtime } from '../runtime/runtime';
import { replayWithProgress } from './replay-with-progress';

test('with KURRENTDB_URL a replay is refused before anything is read', async () => {
  const runtime = { config: { KURRENTDB_URL: 'kurrentdb://kurrent:2113' } } as unknown as Runtime;
  const replay = jest.fn();
  const refused = replayWithProgress(runtime, 'rebuild wallets', replay);
  await expect(refused).rejects.toBeInstanceOf(ConfigError);
  await expect(refused).rejects.toThrow(/rebuild wallets: not available with KURRENTDB_URL/);
  expect(replay).not.toHaveBeenCalled();
});
