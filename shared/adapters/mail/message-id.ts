// The Message-ID of a notification, derived from its dedupe key alone: every send of the same
// notification carries the same header, so a re-send after an uncertain failure is
// recognisable by the recipient's mail system and by an operator reading a mailbox.

/** The domain of a sender like `Mini TNG <no-reply@example.com>`; `localhost` if it has none. */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}

/** `<id@domain>`; the id already matches MAIL_ID_PATTERN, which is safe inside the brackets. */
export function messageIdFor(id: string, from: string): string {
  return `<${id}@${senderDomain(from)}>`;
}
