// Goal: docs/asyncapi.yaml can never drift from the code. It is exactly what
// scripts/asyncapi.ts generates today; it names every topic of TOPICS with a send operation;
// every reference in it resolves; and a real integration message of every event type
// (built by integrationMessageOf, encoded as the Kafka record the relay sends) is valid
// against its documented key, headers and payload, with money as digit strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { toKafkaRecord } from '../adapters/bus/kafka-message.codec';
import { aSource, aWalletId, everyIntegrationEvent } from '../testing/integration-events';
import { asyncApiDocument, asyncApiText } from './asyncapi.document';
import { integrationMessageOf, TOPICS, TOPIC_EVENT_TYPES, type Topic } from './topics';

const FILE = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');
const REGENERATE = 'node bin/run-ts.cjs scripts/asyncapi.ts > docs/asyncapi.yaml';

type Schema = Readonly<Record<string, unknown>>;
type Ref = Readonly<{ $ref: string }>;
type Message = { payload: Ref; headers: Schema; bindings: { kafka: { key: Schema } } };
/** The parts of the document these tests read. */
type Documented = Readonly<{
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, Ref> }>;
  operations: Record<string, unknown>;
  components: {
    messages: Record<string, Message>;
    schemas: Record<string, { properties: Record<string, Schema> }>;
  };
}>;
const committed = readFileSync(FILE, 'utf8');
const documented = parse(committed) as Documented;

/** The node a local `$ref` (`#/a/b`) points to, or undefined. */
const resolve = (ref: string): unknown => ref.slice(2).split('/').reduce<unknown>(
  (node, part) => (node as Record<string, unknown> | undefined)?.[part], documented);

const ajv = new Ajv({ strict: true, allErrors: true });
// The schemas' date-time fields also carry the exact pattern zod checks; the format is a hint.
ajv.addFormat('date-time', true);

function validatorOf(schema: unknown) {
  const validate = ajv.compile(schema as object);
  return (value: unknown) => (validate(value) ? [] : validate.errors ?? []);
}

test('docs/asyncapi.yaml is what the generator writes (regenerate it if this fails)', () => {
  // If this fails: run `${REGENERATE}` and commit the result.
  expect({ file: committed, regenerate: REGENERATE }).toEqual({
    file: asyncApiText(), regenerate: REGENERATE,
  });
  expect(documented).toEqual(asyncApiDocument());
});

test('every topic is a channel with its address, messages and a send operation', () => {
  const channels = documented.channels;
  const operations = documented.operations;
  expect(Object.keys(channels).sort()).toEqual(Object.values(TOPICS).sort());
  for (const topic of Object.values(TOPICS)) {
    expect(channels[topic]!.address).toBe(topic);
    expect(Object.keys(channels[topic]!.messages)).toEqual(TOPIC_EVENT_TYPES[topic as Topic]);
    expect(operations[`send-${topic}`]).toMatchObject({
      action: 'send', channel: { $ref: `#/channels/${topic}` },
    });
  }
  expect(documented.asyncapi).toBe('3.0.0');
});

test('every $ref resolves', () => {
  const refs = [...committed.matchAll(/\$ref: "([^"]+)"/g)].map((match) => match[1]!);
  expect(refs.length).toBeGreaterThan(0);
  expect(refs.filter((ref) => resolve(ref) === undefined)).toEqual([]);
});

describe('a real integration message of every event type is valid as documented', () => {
  const messages = everyIntegrationEvent(aWalletId())
    .map((event) => integrationMessageOf(aSource(event))!);

  const labelOf = (message: (typeof messages)[number]) =>
    [message.type, message.payload.movementKind, 'on', message.topic].filter(Boolean).join(' ');
  test.each(messages.map((message) => [labelOf(message), message] as const))(
    '%s', (_label, message) => {
      const reference = documented.channels[message.topic]!.messages[message.type];
      expect(reference).toBeDefined();
      const documentedMessage = resolve(reference!.$ref) as Message;
      const payloadSchema = resolve(documentedMessage.payload.$ref);
      const record = toKafkaRecord(message);
      expect(validatorOf(payloadSchema)(JSON.parse(String(record.value)))).toEqual([]);
      expect(validatorOf(documentedMessage.headers)(record.headers)).toEqual([]);
      expect(validatorOf(documentedMessage.bindings.kafka.key)(record.key)).toEqual([]);
    });

  test('money is digit strings: a number or a decimal amount is refused', () => {
    const debit = messages.find((message) => message.type === 'WalletDebited')!;
    const validate = validatorOf(resolve('#/components/schemas/WalletDebited'));
    expect(debit.payload.amountMinor).toMatch(/^[1-9][0-9]*$/);
    expect(validate({ ...debit.payload, amountMinor: 1050 })).not.toEqual([]);
    expect(validate({ ...debit.payload, amountMinor: '10.50' })).not.toEqual([]);
  });

  test('every ...Minor field of every payload schema is a string of digits', () => {
    const schemas = Object.values(documented.components.schemas);
    const minorFields = schemas.flatMap((schema) => Object.entries(schema.properties)
      .filter(([name]) => name.endsWith('Minor')).map(([, field]) => field));
    expect(minorFields.length).toBeGreaterThan(0);
    for (const field of minorFields) {
      expect(field).toMatchObject({ type: 'string', pattern: expect.stringMatching(/^\^/) });
    }
  });
});
