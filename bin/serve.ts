// `tng serve [services...]`: the composition root. With no names it runs all four services in
// one process (what `npm start` does); each can also run alone.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../shared/config/load-config';
import { createHttpServer } from '../shared/http/create-http-server';
import { healthRoutes } from '../shared/http/health.routes';
import { openRuntime, type Runtime } from '../shared/runtime/runtime';

export const SERVICE_NAMES = ['command-api', 'query-api', 'projector', 'sagas'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type Server = { app: FastifyInstance; runtime: Runtime; url: string; stop(): Promise<void> };

export async function startServer(names: readonly ServiceName[]): Promise<Server> {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  const app = await createHttpServer({
    logger: runtime.logger, metrics: runtime.metrics, version: process.env.npm_package_version ?? 'dev',
  });
  await healthRoutes(app, runtime);
  runtime.logger.debug({ services: names }, 'starting services');
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await app.close();
    await runtime.close();
  })());
  return { app, runtime, url, stop };
}
