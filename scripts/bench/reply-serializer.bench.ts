// What serializing one reply costs, per variant, for the replies the load test sends most:
// the transfer accepted (POST /v1/transfers 201) and the wallet view (GET /v1/wallets/:id).
//   node bin/run-ts.cjs scripts/bench/reply-serializer.bench.ts [--calls=200000] [--rounds=7]
// Variants:
// - zod + JSON.stringify: the check every reply went through (zod safeParse, then
//   JSON.stringify of the handler's value); outside production it still does;
// - fjs, published schema: fast-json-stringify compiled from the schema /docs/json publishes
//   (it would drop unlisted fields and write a literal whatever the value);
// - fjs, loosened schema: compiled from shared/http/fast-reply-schema.ts, what production uses;
// - JSON.stringify alone: the floor.
// Each variant runs untimed first (warm-up), then for --rounds rounds, the order reversed
// every other round; the figure is the median ns per reply over the rounds. Every variant
// must produce the same JSON value as JSON.stringify, or the bench fails.
import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import { safeParse, toJSONSchema, type $ZodType } from 'zod/v4/core';
import { TransferAcceptedSchema } from '../../command-api/src/command-responses';
import { WalletViewSchema } from '../../query-api/src/query-responses';
import { ProblemSchema } from '../../shared/http/responses';
import { fastReplySchema } from '../../shared/http/fast-reply-schema';

const flag = (name: string): string | undefined =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

type Serialize = (value: unknown) => string;
type Reply = Readonly<{ label: string; schema: $ZodType; values: readonly unknown[] }>;

/** 64 distinct values per reply, so no variant serializes one object over and over. */
const many = (make: (i: number) => unknown) => Array.from({ length: 64 }, (_, i) => make(i));
const id = (i: number) => `0190c0de-${String(i).padStart(4, '0')}-7000-8000-00000000abcd`;

const REPLIES: readonly Reply[] = [
  {
    label: 'transfer 201',
    schema: TransferAcceptedSchema,
    values: many((i) => ({
      transferId: id(i), status: 'completed', sourceWalletId: id(i + 1),
      targetWalletId: id(i + 2), amount: String(1250 + i), currency: 'MYR',
    })),
  },
  {
    label: 'wallet view 200',
    schema: WalletViewSchema,
    values: many((i) => ({
      walletId: id(i), ownerId: i % 8 === 0 ? null : id(i + 3), currency: 'MYR',
      balance: String(500_000 - i), available: String(450_000 - i), held: '50000',
      status: 'active', version: String(40 + i),
    })),
  },
  {
    label: 'problem 422',
    schema: ProblemSchema,
    values: many((i) => ({
      type: 'https://docs.mini-tng.example/problems/insufficient_funds',
      title: 'Insufficient funds', status: 422, code: 'insufficient_funds',
      detail: 'the wallet cannot cover this amount', walletId: id(i), transferId: id(i + 1),
      amount: String(900_000 + i), instance: '/v1/transfers',
    })),
  },
];

const publishedSchema = (schema: $ZodType) => {
  const json = toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'any' });
  const { $schema: _dialect, id: _name, ...rest } = json as Record<string, unknown>;
  return rest;
};

function variants(schema: $ZodType): ReadonlyArray<readonly [string, Serialize]> {
  return [
    ['zod + JSON.stringify', (value) => {
      const result = safeParse(schema, value);
      if (result.error) throw result.error;
      return JSON.stringify(value);
    }],
    ['fjs, published schema', fastJson(publishedSchema(schema)) as Serialize],
    ['fjs, loosened schema', fastJson(fastReplySchema(schema)) as Serialize],
    ['JSON.stringify alone', (value) => JSON.stringify(value)],
  ];
}

function nsPerReply(serialize: Serialize, values: readonly unknown[], calls: number): number {
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) bytes += serialize(values[i & 63]).length;
  const elapsed = Number(process.hrtime.bigint() - started);
  if (bytes === 0) throw new Error('nothing serialized');
  return elapsed / calls;
}

const median = (values: readonly number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

function main(): void {
  const calls = Number(flag('calls') ?? 200_000);
  const rounds = Number(flag('rounds') ?? 7);
  console.log(`ns per reply, median of ${rounds} rounds x ${calls} replies (node ${process.version})`);
  for (const { label, schema, values } of REPLIES) {
    const cases = variants(schema);
    for (const [name, serialize] of cases) {
      for (const value of values) {
        if (!isDeepStrictEqual(JSON.parse(serialize(value)), value)) {
          throw new Error(`${label}, ${name}: the reply changed: ${serialize(value)}`);
        }
      }
      nsPerReply(serialize, values, calls / 4);
    }
    const samples = cases.map(() => [] as number[]);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [...cases.keys()] : [...cases.keys()].reverse();
      for (const index of order) samples[index]!.push(nsPerReply(cases[index]![1], values, calls));
    }
    const floor = median(samples[cases.length - 1]!);
    console.log(`  ${label}`);
    for (const [index, [name]] of cases.entries()) {
      const ns = median(samples[index]!);
      const spread = `${Math.min(...samples[index]!).toFixed(0)}-${Math.max(...samples[index]!).toFixed(0)}`;
      console.log(`    ${name.padEnd(24)} ${ns.toFixed(0).padStart(6)} ns  (${spread})`
        + `  ${(ns / floor).toFixed(2)}x JSON.stringify`);
    }
  }
}

main();
