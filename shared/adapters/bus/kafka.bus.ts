// The bus on Kafka (kafkajs). Producer: idempotent, acks from all in-sync replicas (-1), one
// request in flight, so a retried send neither duplicates nor reorders within a partition,
// and `publish` resolves only once the broker acknowledged the whole batch (the relay
// checkpoints after it). Consumers: one kafkajs consumer per subscription in the named
// group, offsets committed by hand after the handler resolved, so a handler that throws (or
// a crash before the commit) means the message comes again: at-least-once, consumers dedupe
// by eventId. A new group reads from the earliest retained offset.
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import type { Bus, BusHandler, BusMessage, BusSubscription } from '../../ports/bus.port';
import { fromKafkaRecord, toKafkaRecord } from './kafka-message.codec';

export type KafkaBusOptions = Readonly<{
  brokers: readonly string[];
  clientId?: string;
  /** Partitions of the topics that ensureTopics creates. */
  partitions?: number;
}>;

/** `KAFKA_BROKERS` is a comma-separated host:port list. */
export const parseBrokers = (raw: string): string[] =>
  raw.split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0);

export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private producerReady: Promise<void> | null = null;
  private readonly consumers = new Set<Consumer>();
  private readonly partitions: number;

  constructor(options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'mini-tng',
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Named, not defaulted: murmur2 as in the Java client, so other systems' producers put a
      // wallet's key on the same partition (and kafkajs stops warning about its default).
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.partitions = options.partitions ?? 3;
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Encoding first: a message that is not JSON-safe refuses the batch before any is sent.
    const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>[]>();
    for (const message of messages) {
      const records = byTopic.get(message.topic) ?? [];
      records.push(toKafkaRecord(message));
      byTopic.set(message.topic, records);
    }
    // A failed connect is forgotten, so the next publish (the relay's retry) connects again.
    this.producerReady ??= this.producer.connect().catch((error: unknown) => {
      this.producerReady = null;
      throw error;
    });
    await this.producerReady;
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, records]) => ({ topic, messages: records })),
    });
  }

  async subscribe(
    group: string,
    topics: readonly string[],
    handler: BusHandler,
  ): Promise<BusSubscription> {
    const consumer = this.kafka.consumer({ groupId: group });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        await handler(fromKafkaRecord({ topic, ...message }));
        // The committed offset is the next one to read.
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /** Creates missing topics (deployments may create them in infra/ instead). */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((topic) => ({ topic, numPartitions: this.partitions })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers) await consumer.disconnect();
    this.consumers.clear();
    if (this.producerReady) await this.producer.disconnect();
  }
}
