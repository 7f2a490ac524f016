// Turns what nodemailer throws into a MailDeliveryError that says whether a retry can help.
// The SMTP reply code decides when the server answered (RFC 5321: 4xx is transient, 5xx is
// permanent); without one, a connection-level failure is transient and anything else is not.
import { MailDeliveryError } from '../../ports/mailer.port';

/** nodemailer's and Node's codes for "the server could not be reached or dropped us". */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

type NodemailerErrorFields = { code?: unknown; responseCode?: unknown; message?: unknown };

export function classifySmtpError(error: unknown): MailDeliveryError {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as NodemailerErrorFields;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const detail = typeof fields.message === 'string' ? fields.message : String(error);
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) {
    return new MailDeliveryError('temporary', `SMTP ${responseCode}: ${detail}`, {
      responseCode,
      cause: error,
    });
  }
  if (responseCode !== undefined && responseCode >= 500) {
    return new MailDeliveryError('rejected', `SMTP ${responseCode}: ${detail}`, {
      responseCode,
      cause: error,
    });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new MailDeliveryError('unreachable', `SMTP server unreachable (${code}): ${detail}`, {
      cause: error,
    });
  }
  // No reply code and no network failure: configuration (EAUTH, ETLS) or a malformed message.
  // Sending the same message again cannot fix either, so it goes to the dead letters.
  return new MailDeliveryError('rejected', `SMTP send failed (${code ?? 'unknown'}): ${detail}`, {
    cause: error,
  });
}
