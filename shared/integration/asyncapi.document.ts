// The AsyncAPI 3 document of the integration topics (docs/asyncapi.yaml, written by
// `node bin/run-ts.cjs scripts/asyncapi.ts > docs/asyncapi.yaml`). Built from what the relay
// runs on, so it cannot say something else: the topics and the event types each carries
// (TOPIC_EVENT_TYPES), each payload schema from the event's own zod schema (the latest
// version: what integrationMessageOf sends), and the record layout of kafka-message.codec.ts
// (key, value = the payload as JSON, `event-id` and `event-type` headers). A test regenerates
// it and fails if the file differs. Pure: no I/O.
import { z } from 'zod/v4';
import { assert } from '../errors/assert';
import type { AnyEventDefinition } from '../domain/event-definition';
import { userEventDefinitions } from '../domain/user/user.events';
import { walletEventDefinitions } from '../domain/wallet/wallet.events';
import { ALL_TOPICS, TOPIC_EVENT_TYPES, type Topic } from './topics';
import { toYamlText, type YamlValue } from './yaml-text';

type Mapping = { [key: string]: YamlValue };

/** What each topic means to a consumer. */
const TOPIC_SUMMARIES: Readonly<Record<Topic, string>> = {
  'transaction-created': 'A two-phase transaction opened: funds were held on a wallet.',
  'transaction-success':
    'Money moved by a transfer, a hold capture or an admin adjustment: one message per side.',
  'transaction-failed': 'A transfer was refused (a business rule); no money moved.',
  'payment-success': 'Money moved by a merchant payment or a card top-up: one message per side.',
  'payment-failed': 'A merchant payment was refused (a business rule); no money moved.',
  'plan-changed': 'A user moved to another plan (FREE or PREMIUM).',
  'fraud-suspected': 'Fraud hints raised on a wallet by the fraud-hints saga (docs/insights.md).',
};

/** What each event type on the bus says. */
const MESSAGE_SUMMARIES: Readonly<Record<string, string>> = {
  WalletDebited: 'Money left the wallet `walletId` for `counterpartyWalletId`.',
  WalletCredited: 'Money entered the wallet `walletId` from `counterpartyWalletId`.',
  TransferRejected: 'A movement out of `walletId` was refused with `code`; nothing moved.',
  HoldPlaced: 'Funds were reserved on `walletId` until captured, released or expired.',
  UserPlanChanged: 'The user `userId` is now on `plan`.',
  FraudSuspected: 'Recent activity on `walletId` matched the fraud `rules`; nothing moved.',
};

/** The same conversion as the OpenAPI document (fastify-type-provider-zod), in draft 7. */
const JSON_SCHEMA_OPTIONS = {
  // AsyncAPI's default schema format is a superset of JSON Schema draft 7.
  target: 'draft-7',
  io: 'output',
  unrepresentable: 'any',
  cycles: 'ref',
  reused: 'inline',
} as const;

const definitions = new Map<string, AnyEventDefinition>(
  [...walletEventDefinitions, ...userEventDefinitions].map((d) => [d.type, d]),
);

/** The JSON Schema of an event type's payload, from its zod schema. */
export function payloadSchemaOf(type: string): Mapping {
  const definition = definitions.get(type);
  assert(definition !== undefined, `an event definition for ${type}`);
  const { $schema: _draft, ...schema } = z.toJSONSchema(definition.schema, JSON_SCHEMA_OPTIONS);
  return schema as Mapping;
}

const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

function headersOf(type: string): Mapping {
  return {
    type: 'object',
    properties: {
      'event-id': { type: 'string', description: 'The event\'s id in the log: dedupe by it.' },
      'event-type': { type: 'string', const: type },
      traceparent: {
        type: 'string',
        pattern: TRACEPARENT_PATTERN,
        description: 'W3C trace context of the command that wrote the event, when traced.',
      },
    },
    required: ['event-id', 'event-type'],
  };
}

function messageOf(type: string): Mapping {
  const summary = MESSAGE_SUMMARIES[type];
  assert(summary !== undefined, `a summary for ${type}`);
  const byUser = !('walletId' in ((payloadSchemaOf(type).properties ?? {}) as Mapping));
  return {
    name: type,
    title: type,
    summary,
    contentType: 'application/json',
    headers: headersOf(type),
    payload: { $ref: `#/components/schemas/${type}` },
    bindings: {
      kafka: {
        key: {
          type: 'string',
          description: byUser
            ? 'The user id (`userId`): a user\'s messages keep their order.'
            : 'The wallet id (`walletId`): a wallet\'s messages keep their order.',
        },
        bindingVersion: '0.5.0',
      },
    },
  };
}

const refsTo = (path: string, types: readonly string[]): Mapping =>
  Object.fromEntries(types.map((type) => [type, { $ref: `${path}/${type}` }]));

function channelsAndOperations(): { channels: Mapping; operations: Mapping } {
  const channels: Mapping = {};
  const operations: Mapping = {};
  for (const topic of ALL_TOPICS) {
    const types = TOPIC_EVENT_TYPES[topic];
    channels[topic] = {
      address: topic,
      description: TOPIC_SUMMARIES[topic],
      messages: refsTo('#/components/messages', types),
    };
    operations[`send-${topic}`] = {
      action: 'send',
      summary: `The Kafka relay publishes to ${topic}.`,
      channel: { $ref: `#/channels/${topic}` },
      messages: types.map((type) => ({ $ref: `#/channels/${topic}/messages/${type}` })),
    };
  }
  return { channels, operations };
}

const DESCRIPTION = [
  'Every money event and plan change of the Mini TNG ledger, published by the Kafka relay',
  'from the event log after it is committed. Delivery is at least once: dedupe by the',
  '`event-id` header. Order holds per record key (the wallet id, or the user id), never',
  'across keys. Money is a string of decimal digits in minor units (`"1050"` = RM 10.50)',
  'with its ISO 4217 `currency`, never a number. The record value is the payload as JSON.',
].join(' ');

export function asyncApiDocument(): Mapping {
  const types = [...new Set(ALL_TOPICS.flatMap((topic) => TOPIC_EVENT_TYPES[topic]))];
  return {
    asyncapi: '3.0.0',
    info: { title: 'Mini TNG integration events', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: 'kafka:9092',
        protocol: 'kafka',
        description: 'The brokers named by KAFKA_BROKERS.',
      },
    },
    ...channelsAndOperations(),
    components: {
      messages: Object.fromEntries(types.map((type) => [type, messageOf(type)])),
      schemas: Object.fromEntries(types.map((type) => [type, payloadSchemaOf(type)])),
    },
  };
}

const GENERATED_BY = [
  '# Generated from the event schemas by scripts/asyncapi.ts: do not edit. Regenerate with',
  '# node bin/run-ts.cjs scripts/asyncapi.ts > docs/asyncapi.yaml',
].join('\n');

/** The text of docs/asyncapi.yaml. */
export const asyncApiText = (): string => `${GENERATED_BY}\n${toYamlText(asyncApiDocument())}`;
