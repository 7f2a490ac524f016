// Tools of the point 3 fuzz test: hostile values as fast-check arbitraries, a raw HTTP client
// (node:http, so paths reach the server byte for byte: fetch would resolve "..", refuse
// invalid header bytes and cannot send invalid UTF-8), and the route table of the app.
import http from 'node:http';
import fc from 'fast-check';

/** Values that broke or could break storage: NUL, lone surrogates, controls, sheer size. */
export const NASTY_TEXTS: readonly string[] = [
  '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '\u0007\u001b[31m', '\u007f\u0085',
  'x'.repeat(201), 'x'.repeat(200_000), '\u202eevil', 'e\u0301', '\u200b', '😀'.repeat(150),
  '', ' ', '\\u0000', '%00', "'); drop table events; --", '{"$gt":""}', 'ｆｕｌｌ',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || c >= 0x7f)
  .map((c) => String.fromCharCode(c));
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: control },
);

/** Any string: unicode, controls, NUL, lone surrogates, and now and then a huge one. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXTS) },
  { weight: 6, arbitrary: fc.array(piece, { maxLength: 40 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 190, max: 300_000 }).map((n) => 'é'.repeat(n)) },
);

/** A JSON value of the wrong type for nearly every field. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(anyText, { maxLength: 3 }),
  fc.dictionary(anyText, anyText, { maxKeys: 3 }),
  fc.bigInt().map(String),
);

export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyText },
  { weight: 2, arbitrary: wrongType },
);

/** Header values as HTTP can carry them (latin-1 bytes, no CR, LF or NUL), long ones too. */
export const anyHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc.constantFrom('a'.repeat(12_000), '', ' ', '\t', 'é', '..', 'ÿ'.repeat(129), '1.1'),
);

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD). */
export const percentEncode = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** A path segment or query value as it travels: encoded text, raw bytes, broken escapes. */
export const anySegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%00', '%ED%A0%80', '%C0%80', '%FF', '%', '%zz', '..', '%2e%2e', '%2F', '', 'x'.repeat(5_000),
  ),
  anyText.filter((text) => text.length < 5_000).map(percentEncode),
  fc.uint8Array({ maxLength: 40 }).map((bytes) =>
    [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')),
);

export type RawRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
};
export type RawReply = { status: number; headers: http.IncomingHttpHeaders; text: string };

/** Sends `request` as is; an event stream answers with its headers only. */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname, port: url.port, method: request.method, path: request.path,
        timeout: 20_000,
        // Framed like any client frames a body, even a GET's.
        headers: request.body === undefined ? request.headers
          : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      },
      (incoming) => {
        const status = incoming.statusCode ?? 0;
        if (String(incoming.headers['content-type']).startsWith('text/event-stream')) {
          incoming.destroy();
          resolve({ status, headers: incoming.headers, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({ status, headers: incoming.headers, text: Buffer.concat(chunks).toString() }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`timeout: ${request.path}`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export type Route = { method: string; url: string };

/** Every route of a Fastify `printRoutes({ commonPrefix: false })` tree. */
export function routesOfTree(tree: string): Route[] {
  const prefixes: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const branch = line.indexOf('── ');
    if (branch < 0) {
      // Only blank lines and the tree's own rules carry no route; anything else is a format
      // this reader does not know, and routes in it would be missed.
      if (/^[\s│]*$/.test(line)) continue;
      throw new Error(`unreadable route line: ${line}`);
    }
    const depth = (branch - 1) / 4;
    const match = /^(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(branch + 3).trim());
    if (match === null) throw new Error(`unreadable route line: ${line}`);
    const url = `${prefixes[depth - 1] ?? ''}${match[1]}`;
    prefixes[depth] = url;
    prefixes.length = depth + 1;
    for (const method of (match[2] ?? '').split(', ').filter(Boolean)) routes.push({ method, url });
  }
  return routes;
}
