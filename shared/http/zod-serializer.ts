// Serialises replies of routes with zod response schemas. Like fastify-type-provider-zod's own
// compiler it checks the reply against the route's schema for that status (a reply that breaks
// its contract is a 500, logged, never a silent lie), but it then sends the handler's value
// itself, not zod's parsed copy: no field is ever dropped, renamed or coerced, so declaring a
// schema cannot change what a client receives. Amounts are strings, so JSON.stringify never
// meets a bigint.
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { safeParse, type $ZodType } from 'zod/v4/core';

export const serializerCompiler: FastifySerializerCompiler<$ZodType> =
  ({ schema, method, url }) =>
  (data) => {
    const result = safeParse(schema, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(data);
  };
