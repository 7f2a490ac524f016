// A TCP proxy in front of the test app that forwards each request whole but never passes the
// answer back: when the app's first reply bytes arrive, the client's connection is cut. To
// the client (Stripe) this is a server that died after committing and before replying; to
// the app, the work is done. A test then retries and checks the effect happened once.
import net from 'node:net';

export type ReplyDroppingProxy = Readonly<{ url: string; close(): Promise<void> }>;

export async function startReplyDroppingProxy(target: URL): Promise<ReplyDroppingProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', () => {
      client.destroy();
      upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
