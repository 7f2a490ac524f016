// Every projection the projector runs, by name (the names the CLI accepts).
import type { Cache } from '../../../shared/ports/cache.port';
import {
  PROJECTION_NAMES,
  type ProjectionName,
} from '../../../shared/read-models/read-model-names';
import type { Projection } from '../projection';
import { topUpsProjection } from './top-ups.projection';
import { transfersProjection } from './transfers.projection';
import { usersProjection } from './users.projection';
import { createWalletsProjection } from './wallets.projection';

export function createProjections(cache?: Cache): ReadonlyMap<ProjectionName, Projection> {
  const projections = new Map<ProjectionName, Projection>([
    ['wallets', createWalletsProjection(cache)],
    ['transfers', transfersProjection],
    ['users', usersProjection],
    ['top_ups', topUpsProjection],
  ]);
  for (const name of PROJECTION_NAMES) {
    if (!projections.has(name)) throw new Error(`projection ${name} is not registered`);
  }
  return projections;
}
