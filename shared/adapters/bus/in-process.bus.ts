// The bus without a broker (development, tests): one ordered log in memory, read by each
// consumer group from its own cursor, like a single-partition topic. It keeps the port's
// promises that consumers rely on: per-key order (the log is totally ordered), every group
// gets every message, a message whose handler threw is delivered again. Redelivery is
// bounded: after `deliveryAttemptsMax` failures the group halts on that message (skipping it
// would break per-key order) and the failure surfaces through `onDeliveryFailed` and the
// rejection of `stop()`. A new group starts at the oldest retained message, like a Kafka
// consumer `fromBeginning`; the log keeps at most `retainedMax` messages.
import type { Bus, BusHandler, BusMessage, BusSubscription } from '../../ports/bus.port';

export type DeliveryFailure = Readonly<{ group: string; message: BusMessage; error: unknown }>;

export class BusDeliveryFailed extends Error {
  constructor(readonly failure: DeliveryFailure, attempts: number) {
    super(`group ${failure.group} gave up on event ${failure.message.eventId} after ${attempts}`
      + ` attempts: ${String(failure.error)}`);
    this.name = 'BusDeliveryFailed';
  }
}

export type InProcessBusOptions = Readonly<{
  deliveryAttemptsMax?: number;
  retryDelayMs?: number;
  retainedMax?: number;
  onDeliveryFailed?: (failure: BusDeliveryFailed) => void;
}>;

type Member = { topics: ReadonlySet<string>; handler: BusHandler; active: boolean };
type Group = {
  name: string;
  /** Sequence number of the next message to deliver. */
  cursor: number;
  members: Member[];
  nextMember: number;
  draining: Promise<void> | null;
  failed: BusDeliveryFailed | null;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class InProcessBus implements Bus {
  private readonly log: BusMessage[] = [];
  /** Sequence number of log[0]: older messages were dropped by retention. */
  private firstSeq = 0;
  private readonly groups = new Map<string, Group>();
  private readonly attemptsMax: number;
  private readonly retryDelayMs: number;
  private readonly retainedMax: number;
  private readonly onDeliveryFailed: (failure: BusDeliveryFailed) => void;

  constructor(options: InProcessBusOptions = {}) {
    this.attemptsMax = options.deliveryAttemptsMax ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 10;
    this.retainedMax = options.retainedMax ?? 10_000;
    this.onDeliveryFailed = options.onDeliveryFailed ?? (() => {});
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    // A JSON round trip, as a broker would do: it refuses what is not JSON-safe (a bigint
    // throws) before anything is appended, and consumers never share the producer's objects.
    const copies = messages.map((message) => JSON.parse(JSON.stringify(message)) as BusMessage);
    this.log.push(...copies);
    const excess = this.log.length - this.retainedMax;
    if (excess > 0) {
      this.log.splice(0, excess);
      this.firstSeq += excess;
    }
    for (const group of this.groups.values()) this.drain(group);
  }

  async subscribe(
    groupName: string,
    topics: readonly string[],
    handler: BusHandler,
  ): Promise<BusSubscription> {
    const group = this.groupNamed(groupName);
    const member: Member = { topics: new Set(topics), handler, active: true };
    group.members.push(member);
    this.drain(group);
    return {
      stop: async () => {
        member.active = false;
        group.members = group.members.filter((candidate) => candidate !== member);
        await group.draining;
        if (group.failed) throw group.failed;
      },
    };
  }

  async close(): Promise<void> {
    for (const group of this.groups.values()) {
      group.members = [];
      await group.draining;
    }
  }

  private groupNamed(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, cursor: this.firstSeq, members: [], nextMember: 0, draining: null,
        failed: null };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Starts the group's delivery loop unless it runs already; one message at a time. */
  private drain(group: Group): void {
    if (group.draining || group.failed) return;
    group.draining = this.deliverAll(group).finally(() => { group.draining = null; });
  }

  private async deliverAll(group: Group): Promise<void> {
    while (group.members.length > 0 && !group.failed) {
      group.cursor = Math.max(group.cursor, this.firstSeq); // retention dropped the rest
      const message = this.log[group.cursor - this.firstSeq];
      if (!message) return;
      const member = this.memberFor(group, message.topic);
      // Not delivered: the group gave up (the loop ends), or the member stopped and the
      // message stays at the cursor for another member.
      if (member && !(await this.deliver(group, member, message))) continue;
      group.cursor += 1;
    }
  }

  private memberFor(group: Group, topic: string): Member | undefined {
    const eligible = group.members.filter((member) => member.topics.has(topic));
    if (eligible.length === 0) return undefined;
    group.nextMember = (group.nextMember + 1) % eligible.length;
    return eligible[group.nextMember];
  }

  /** True once a handler resolved; false if delivery must wait (stopped, or gave up). */
  private async deliver(group: Group, member: Member, message: BusMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await member.handler(message);
        return true;
      } catch (error) {
        if (attempt >= this.attemptsMax) {
          group.failed = new BusDeliveryFailed({ group: group.name, message, error }, attempt);
          this.onDeliveryFailed(group.failed);
          return false;
        }
        await sleep(this.retryDelayMs);
        // Stopped meanwhile: the message stays at the cursor for the next member.
        if (!member.active) return false;
      }
    }
  }
}
