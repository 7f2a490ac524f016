// The projection a CLI argument names, or a usage error that lists the valid names. Checked
// before the runtime opens, so a typo exits 2 at once without touching the database.
import { createProjections } from '../../projector/src/projections/registry';
import type { Projection } from '../../projector/src/projection';
import { PROJECTION_NAMES, type ProjectionName } from '../../shared/read-models/read-model-names';
import { UsageError } from '../../shared/cli/cli-errors';

const isProjectionName = (name: string): name is ProjectionName =>
  (PROJECTION_NAMES as readonly string[]).includes(name);

/** No cache: a rebuild or verify replays into copies and never serves cached views. */
export function projectionNamed(name: string): Projection {
  const projection = isProjectionName(name) ? createProjections().get(name) : undefined;
  if (!projection) {
    throw new UsageError(`unknown projection "${name}"; valid names: ${PROJECTION_NAMES.join(', ')}`);
  }
  return projection;
}
