// Sends a command's reply: the status and body as decided (or as stored for an idempotent
// retry, byte for byte), problem+json for errors, and the commit's X-Ledger-Position.
import type { FastifyReply } from 'fastify';
import type { CommandReply } from '../command-runner';

export function sendCommandReply(reply: FastifyReply, result: CommandReply): FastifyReply {
  if (result.position) void reply.header('x-ledger-position', result.position);
  const type = result.status >= 400 ? 'application/problem+json' : 'application/json';
  return reply
    .status(result.status)
    .type(type)
    .serializer((body: unknown) => String(body))
    .send(result.body);
}
