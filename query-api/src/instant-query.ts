// Instants in query strings (`?at=`, `?from=`, `?to=`): the shared reading of
// shared/time/instant.ts, the same the CLI uses, so a refused instant is a 400
// invalid_request whose message names the form expected.
import { z } from 'zod/v4';
import { INSTANT_FORM, isInstant } from '../../shared/time/instant';

export const InstantQuerySchema = z
  .string()
  .max(64)
  .refine(isInstant, `expected ${INSTANT_FORM}`)
  .meta({ description: INSTANT_FORM, example: '2025-03-10T16:00:00+08:00' });
