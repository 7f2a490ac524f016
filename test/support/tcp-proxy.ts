// A TCP proxy between the test app and Postgres, so a test can take the database away from
// the app alone: `down()` stops listening (new connections are refused) and cuts every open
// connection; `up()` listens again on the same port. The test itself keeps reaching Postgres
// directly, to look at what was (not) stored. `cutOn(marker)` loses the connection in the
// middle of one particular query instead: any connection whose client sends the marker (a
// stream id, say) is cut before those bytes reach Postgres.
import net from 'node:net';

export type TcpProxy = Readonly<{
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
  /** While set, a connection that sends `marker` (within one chunk) is cut at once. */
  cutOn(marker: string | null): void;
  close(): Promise<void>;
}>;

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cutMarker: Buffer | null = null;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    // Registered before the pipe, so a marked chunk is never forwarded.
    client.on('data', (chunk: Buffer) => {
      if (cutMarker === null || !chunk.includes(cutMarker)) return;
      client.destroy();
      upstream.destroy();
    });
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const { port } = address;
  const down = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    via: (url) => {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    down,
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    cutOn: (marker) => {
      cutMarker = marker === null ? null : Buffer.from(marker);
    },
    close: down,
  };
}
