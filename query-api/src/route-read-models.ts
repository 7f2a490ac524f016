// Each query route declares the read models it reads (route config `readModels`), so that
// X-Min-Position waits only for those projections' checkpoints: a balance does not wait for the
// users projection. A route that reads only the event log declares none and never waits; a
// route that declares nothing waits for every projection, the safe default.
import type { FastifyRequest } from 'fastify';
import {
  PROJECTION_NAMES,
  type ProjectionName,
} from '../../shared/read-models/read-model-names';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The projections whose tables the route reads (see route-read-models.ts). */
    readModels?: readonly ProjectionName[];
  }
}

/** Route options' `config` for a route that reads `names`. */
export const reads = (...names: ProjectionName[]) => ({ readModels: names });

export const readModelsOf = (request: FastifyRequest): readonly ProjectionName[] =>
  request.routeOptions.config.readModels ?? PROJECTION_NAMES;
