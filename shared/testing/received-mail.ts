// A just-enough MIME reader for messages nodemailer writes: top-level headers, and the
// text/plain and text/html parts of a multipart/alternative body, decoded from 7bit,
// quoted-printable or base64. Test support only; not a general MIME parser.

export type ReceivedMail = Readonly<{
  envelopeFrom: string;
  envelopeTo: readonly string[];
  headers: ReadonlyMap<string, string>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  raw: string;
}>;

function splitHeaders(block: string): { headers: Map<string, string>; body: string } {
  const end = block.indexOf('\r\n\r\n');
  const head = end < 0 ? block : block.slice(0, end);
  const body = end < 0 ? '' : block.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    default:
      return body;
  }
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= or ?B?), as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, kind: string, text: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
  );
}

export function parseReceivedMail(raw: string, envelopeFrom: string, envelopeTo: string[]) {
  const { headers, body } = splitHeaders(raw);
  const parts = { text: '', html: '' };
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1];
  const sections = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const section of sections) {
    const part = splitHeaders(section.replace(/^\r\n/, ''));
    const content = decodeBody(part.body.replace(/\r\n$/, ''), part.headers.get('content-transfer-encoding'));
    const type = part.headers.get('content-type') ?? '';
    if (type.startsWith('text/plain')) parts.text = content.replace(/\r\n/g, '\n');
    if (type.startsWith('text/html')) parts.html = content.replace(/\r\n/g, '\n');
  }
  return Object.freeze({
    envelopeFrom,
    envelopeTo,
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    ...parts,
    raw,
  }) satisfies ReceivedMail;
}
