// A route's zod response schema as the JSON Schema fast-json-stringify compiles into a
// serializer. fast-json-stringify writes what the schema says, not what the value holds: it
// drops properties the schema does not list, writes a `const` whatever the value is, and
// turns a null into "" where null is not allowed. So the schema it gets is the published one
// (the same zod, the same conversion as /docs/json) with those three ways to change a reply
// taken out:
// - every object keeps the properties it does not list (additionalProperties: true), so no
//   field is ever dropped;
// - `const` becomes its type (z.literal('completed') is a string; zod checks the value);
// - `anyOf: [X, null]` (zod's nullable) becomes `type: [X, 'null']`, which it writes as is.
// Types are still trusted: a number where a string is declared is written as a string. The
// zod check outside production (shared/http/zod-serializer.ts) is what refuses such a reply.
import { toJSONSchema, type $ZodType } from 'zod/v4/core';

type Json = Record<string, unknown>;

/** JSON Schema (draft 7) for fast-json-stringify, from a route's zod response schema. */
export function fastReplySchema(schema: $ZodType): Json {
  const converted = toJSONSchema(schema, {
    io: 'output',
    target: 'draft-7',
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  }) as Json;
  return loosen(converted) as Json;
}

/** Keywords whose value is a map of names to schemas (the names are not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
/** Keywords whose value is a schema or a list of schemas. */
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'not']);
/** zod's registry name (draft 7 would read `$id`), the dialect, and `const` (see above). */
const DROPPED = new Set(['id', '$schema', 'const']);

function loosen(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(loosen);
  if (node === null || typeof node !== 'object') return node;
  const schema: Json = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (DROPPED.has(keyword)) continue;
    if (SCHEMA_MAPS.has(keyword)) {
      schema[keyword] = Object.fromEntries(
        Object.entries(value as Json).map(([name, sub]) => [name, loosen(sub)]),
      );
    } else {
      schema[keyword] = SUBSCHEMAS.has(keyword) ? loosen(value) : value;
    }
  }
  if (schema.additionalProperties === false) schema.additionalProperties = true;
  return nullableAsTypeList(schema);
}

/** `anyOf: [{ type: X, ... }, { type: 'null' }]` → `{ type: [X, 'null'], ... }`. */
function nullableAsTypeList(schema: Json): Json {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return schema;
  const nullAt = branches.findIndex((branch: Json) => isOnlyNull(branch));
  if (nullAt === -1) return schema;
  const other = branches[1 - nullAt] as Json;
  if (typeof other.type !== 'string' || other.anyOf || other.oneOf || other.$ref) return schema;
  const { anyOf: _anyOf, ...rest } = schema;
  return { ...rest, ...other, type: [other.type, 'null'] };
}

const isOnlyNull = (branch: Json) => branch.type === 'null' && Object.keys(branch).length === 1;
