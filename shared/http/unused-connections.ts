// Closing the server waits for every connection that has a request in flight, and Node counts
// a connection that never sent a request as one (until headersTimeout, 60 s). Browsers open
// such connections ahead of need (preconnect), and so does fetch after an aborted stream, so
// a shutdown could hang for a minute with nothing to drain. This destroys, when the server
// starts closing, the connections that never carried a request: they have nothing in flight.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  app.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    unused.clear();
    done();
  });
}
