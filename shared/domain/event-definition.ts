// How one event type is described: its zod schema per schema version, the pure upcasters
// between versions, and the mapping between its JSON form (stored) and its typed form (used
// by deciders and projections).
// Invariants: a shipped schema is frozen, so a change makes version n+1 and an upcaster
// n -> n+1; only the latest version is ever written. Money fields are named `...Minor`; in
// JSON they are strings of decimal digits, in the typed form they are bigints. That naming
// rule is what `toWire` and `fromWire` rely on, and the schemas enforce it on both paths.
import { z } from 'zod/v4';
import { assert } from '../errors/assert';

/** Minor units as digits, zero allowed (e.g. the released rest of a fully captured hold). */
export const MinorDigitsSchema = z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'minor units');
/** Minor units as digits, strictly positive: every movement moves something. */
export const PositiveMinorDigitsSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, 'minor units');
/** An instant as ISO-8601 UTC, as `Date.prototype.toISOString` writes it. */
export const InstantSchema = z.iso.datetime();

export type WireData = Record<string, unknown>;
export type DataSchema = z.ZodType<WireData>;

/** The typed form of a JSON payload: each `...Minor` field is a bigint instead of digits. */
export type Typed<W> = { readonly [K in keyof W]: K extends `${string}Minor` ? bigint : W[K] };

/** One superseded version: its frozen schema and the upcaster to the next version's JSON. */
export type HistoricVersion = Readonly<{
  schema: z.ZodType;
  upcast: (parsed: unknown) => unknown;
}>;

export type EventDefinition<T extends string, S extends DataSchema> = Readonly<{
  type: T;
  /** The latest schema, the only one written. */
  schema: S;
  schemaVersion: number;
  /** history[i] reads version i + 1 and upcasts it to version i + 2. */
  history: readonly HistoricVersion[];
}>;

export type AnyEventDefinition = EventDefinition<string, DataSchema>;

/** The typed domain event a definition describes: `{ type, data }` with bigint money. */
export type EventOf<D> =
  D extends EventDefinition<infer T, infer S>
    ? Readonly<{ type: T; data: Typed<z.output<S>> }>
    : never;

export const defineEvent = <T extends string, S extends DataSchema>(
  type: T,
  schema: S,
  history: readonly HistoricVersion[] = [],
): EventDefinition<T, S> =>
  Object.freeze({ type, schema, schemaVersion: history.length + 1, history });

/**
 * Describes an old version: `upcast` receives data already parsed by `from` and must return
 * JSON that the next version's schema accepts (the codec checks that after every step).
 */
export const historicVersion = <From extends z.ZodType>(
  from: From,
  upcast: (parsed: z.output<From>) => WireData,
): HistoricVersion =>
  // The codec calls `upcast` only with the output of `from.safeParse`, so the cast holds.
  Object.freeze({ schema: from, upcast: (parsed: unknown) => upcast(parsed as z.output<From>) });

/** Typed data to JSON data: bigints become digit strings; absent optionals are dropped. */
export function toWire(data: Readonly<Record<string, unknown>>): WireData {
  const wire: WireData = {};
  for (const [key, value] of Object.entries(data)) {
    // JSON has no `undefined`; leaving the key out is what a reader would see anyway.
    if (value === undefined) continue;
    if (typeof value === 'bigint') {
      assert(key.endsWith('Minor'), `only ...Minor fields hold money, not ${key}`);
      wire[key] = value.toString();
    } else {
      wire[key] = value;
    }
  }
  return wire;
}

/** JSON data (already validated by its schema) to typed data: `...Minor` digits to bigint. */
export function fromWire<W extends WireData>(wire: W): Typed<W> {
  const typed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    typed[key] = key.endsWith('Minor') && typeof value === 'string' ? BigInt(value) : value;
  }
  // The loop converts exactly the keys that Typed<W> maps to bigint.
  return typed as Typed<W>;
}
