// Requests that never became requests: bytes Node's HTTP parser cannot frame (a GET with an
// unframed body, a broken request line), headers over the size limit, a client too slow to
// send its request. Node hands them to the server's `clientError` hook before Fastify sees a
// route; they are answered like every other refusal, as problem+json with a stable code.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../errors/codes';
import { problem } from './problem';

function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  return 'invalid_request';
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const answer = problem(codeOf(error), 'the request could not be read');
    const body = JSON.stringify(answer);
    const status = answer.status;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}` +
        `\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
