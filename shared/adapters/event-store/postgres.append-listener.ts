// waitForAppend for Postgres: one dedicated connection LISTENs on the append channel and
// wakes every waiter of this store. It connects on the first wait, so a store that is only
// written to never holds it. The listener is a latency aid, not a correctness one: waits
// are bounded by their timeout, so a lost connection only turns wake-ups into polling
// until the next wait reconnects.
import { Client, type ClientConfig } from 'pg';
import { AppendWaiters } from './append-waiters';
import { APPEND_CHANNEL } from './postgres.append-batch.sql';

export class AppendListener {
  private readonly waiters = new AppendWaiters();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly clientConfig: ClientConfig) {}

  wait(timeoutMs: number): Promise<void> {
    if (!this.closed && !this.client && !this.connecting) {
      this.connecting = this.listen().finally(() => {
        this.connecting = null;
      });
    }
    return this.waiters.wait(timeoutMs);
  }

  /** Wakes this process's waiters at once after a local commit, without the round trip. */
  wakeLocal(): void {
    this.waiters.wakeAll();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = null;
    this.waiters.wakeAll();
    if (client) await client.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client(this.clientConfig);
    client.on('notification', () => this.waiters.wakeAll());
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    try {
      await client.connect();
      await client.query(`listen ${APPEND_CHANNEL}`);
    } catch {
      // Either: the database is unreachable now; waits time out and the next one retries.
      await client.end().catch(() => undefined);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Appends that committed before LISTEN took effect sent no wake-up to us: look again.
    this.waiters.wakeAll();
  }

  private drop(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.waiters.wakeAll();
    client.end().catch(() => undefined);
  }
}
