// Holds one dedicated Postgres connection LISTENing on a channel, and reconnects when it is
// lost. Notifications sent while the connection was down are never delivered, so after every
// (re)connection, once LISTEN is active, `onListening` runs: the owner reloads its state
// from tables there, and anything committed after LISTEN arrives as a notification, so
// nothing falls between the reload and the stream. `onLost` tells the owner that, until the
// next onListening completes, its view may be stale.
import { Client } from 'pg';
import { assert } from '../errors/assert';

export type ListenerLog = Readonly<{
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}>;

export type PgNotificationListenerOptions = Readonly<{
  databaseUrl: string;
  channel: string;
  /** Shown in pg_stat_activity; lets operators (and tests) find this connection. */
  applicationName: string;
  onNotification(payload: string): void;
  onListening(): Promise<void>;
  onLost(): void;
  log: ListenerLog;
}>;

export const LISTENER_CONNECT_TIMEOUT_MS = 5_000;
export const LISTENER_RECONNECT_DELAY_MS_MIN = 50;
/** Reconnection continues while the owner runs (it cannot work without it); delay capped. */
export const LISTENER_RECONNECT_DELAY_MS_MAX = 5_000;
/**
 * A connection that dies silently (a half-open TCP link) would drop notifications for as long
 * as TCP keepalive takes to notice, minutes; a periodic query notices within these bounds.
 */
export const LISTENER_HEARTBEAT_INTERVAL_MS = 10_000;
export const LISTENER_HEARTBEAT_TIMEOUT_MS = 3_000;

export class PgNotificationListener {
  private client: Client | null = null;
  private running = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PgNotificationListenerOptions) {
    assert(/^[a-z_][a-z0-9_]{0,62}$/.test(options.channel), 'a channel is a plain identifier');
  }

  /** Connects and runs onListening once; throws if that first attempt fails. */
  async start(): Promise<void> {
    assert(!this.running, 'a listener starts once');
    this.running = true;
    try {
      await this.connect();
    } catch (error) {
      this.running = false;
      throw error;
    }
    this.heartbeatTimer = setInterval(() => this.heartbeat(), LISTENER_HEARTBEAT_INTERVAL_MS);
    this.heartbeatTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const { databaseUrl, applicationName, channel } = this.options;
    const client = new Client({
      connectionString: databaseUrl,
      application_name: applicationName,
      connectionTimeoutMillis: LISTENER_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // Listeners first: a pg Client with no 'error' listener crashes the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) {
        this.options.onNotification(message.payload);
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
      this.client = client;
      await this.options.onListening();
      this.reconnectAttempt = 0;
    } catch (error) {
      if (this.client === client) this.client = null;
      await client.end().catch(() => {});
      throw error;
    }
    if (!this.running) await this.stop();
  }

  private heartbeat(): void {
    const client = this.client;
    if (client === null) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('heartbeat timed out')), LISTENER_HEARTBEAT_TIMEOUT_MS);
    });
    void Promise.race([client.query('select 1'), timedOut])
      .catch((error: unknown) => this.lost(client, error instanceof Error ? error : null))
      .finally(() => clearTimeout(timer));
  }

  private lost(client: Client, error: Error | null): void {
    if (client !== this.client) return; // An old or failed connection; already handled.
    this.client = null;
    this.options.onLost();
    const reason = error?.message ?? 'connection ended';
    this.options.log.warn({ channel: this.options.channel, reason }, 'listener connection lost');
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.reconnectAttempt += 1;
    const exponent = Math.min(this.reconnectAttempt - 1, 16);
    const delayMs = Math.min(
      LISTENER_RECONNECT_DELAY_MS_MIN * 2 ** exponent, LISTENER_RECONNECT_DELAY_MS_MAX);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => this.options.log.info({ channel: this.options.channel }, 'listener reconnected'),
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          this.options.log.warn({ channel: this.options.channel, reason }, 'reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delayMs);
  }
}
