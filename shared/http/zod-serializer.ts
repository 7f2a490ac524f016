// Serialises replies of routes with zod response schemas, with fast-json-stringify compiled
// from the route's schema for that status (shared/http/fast-reply-schema.ts): about twice as
// fast as checking with zod and calling JSON.stringify (docs/performance.md, "Reply
// serialization"). Two modes, one output:
// - checked (everywhere but production, so every test): the reply must pass the zod schema (a
//   reply that breaks its contract is a 500, logged, never a silent lie), and the bytes
//   fast-json-stringify wrote must read back as the very value JSON.stringify would send. A
//   field dropped, renamed or coerced fails the request, so a test that meets it fails;
// - fast (production): fast-json-stringify alone.
// Amounts are strings, so neither serializer ever meets a bigint.
import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { safeParse, type $ZodType } from 'zod/v4/core';
import { fastReplySchema } from './fast-reply-schema';

type Serialize = (data: unknown) => string;

// The problem schema serves every error status of every route: compiled once.
const compiled = new WeakMap<$ZodType, Serialize>();

/** fast-json-stringify's serializer for a zod schema, compiled on first use. */
export function fastSerializerOf(schema: $ZodType): Serialize {
  let serialize = compiled.get(schema);
  if (!serialize) {
    serialize = fastJson(fastReplySchema(schema)) as Serialize;
    compiled.set(schema, serialize);
  }
  return serialize;
}

export type ReplyChecks = 'checked' | 'fast';

/** `compile` is fastSerializerOf; a test passes another to see the check refuse a change. */
export const replySerializerCompiler =
  (checks: ReplyChecks, compile = fastSerializerOf): FastifySerializerCompiler<$ZodType> =>
  ({ schema, method, url }) => {
    const serialize = compile(schema);
    if (checks === 'fast') return serialize;
    return (data) => {
      const result = safeParse(schema, data);
      if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
      const text = serialize(data);
      if (!isDeepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(data)))) {
        throw new Error(
          `${method} ${url}: the fast serializer changed the reply: ${text.slice(0, 300)}`,
        );
      }
      return text;
    };
  };
