// Request-schema pieces shared by the APIs. Strict objects everywhere: unknown fields are
// refused, nothing is coerced, and money arrives only as a string of digits. Free text and
// e-mails have one schema each (docs/api.md, Conventions), so whatever a route accepts can be
// stored: user input never reaches Postgres as something it refuses (a 500).
import { z } from 'zod/v4';
import { AmountStringSchema, CurrencySchema } from '../domain/money/money';
import { EMAIL_LENGTH_MAX } from '../domain/user/user.events';
import { hasOneScript } from './letter-scripts';

/** Ids in paths and bodies: the domain's id alphabet, so a bad id is a 400, not a 500. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'an id');

export const AmountSchema = AmountStringSchema;
export { CurrencySchema };

/** Characters of a text field, counted as JSON strings and the event schemas count them. */
export const TEXT_LENGTH_MAX = 200;
// Control characters (C0 with NUL, DEL, C1) and lone surrogates are not text; Postgres
// refuses NUL and unpaired surrogates in jsonb, so they must never get past the door.
const NOT_TEXT = /[\p{Cc}\p{Cs}]/u;

/**
 * Names, notes, reasons, references: NFC-normalised Unicode of `min` to 200 characters, with
 * no control characters and no lone surrogates. The handler sees the NFC form.
 */
export const textSchema = (min = 0) =>
  z
    .string()
    .refine((text) => !NOT_TEXT.test(text), 'text without control characters or lone surrogates')
    .normalize('NFC')
    .min(min)
    .max(TEXT_LENGTH_MAX);

export const NameSchema = textSchema(1);
export const NoteSchema = textSchema();
export const ReasonSchema = textSchema(1);
export const ReferenceSchema = textSchema(1);

// Invisible or not text at all: controls, format characters (zero-width joiners, bidi
// marks...), lone surrogates, default-ignorable fillers, and any kind of space.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{White_Space}]/u;
const EMAIL_SHAPE = /^[^@]+@[^@]+$/;

function emailProblem(email: string): string | undefined {
  if (INVISIBLE.test(email)) return 'an e-mail without spaces, control or invisible characters';
  if (!EMAIL_SHAPE.test(email)) return 'an e-mail: one @ between a local part and a domain';
  const domain = email.slice(email.indexOf('@') + 1);
  // "a@example.com." names the same mailbox as "a@example.com"; empty labels name none.
  if (domain.split('.').some((label) => label === '')) return 'a domain without empty labels';
  if (!hasOneScript(email)) return 'an e-mail whose letters are all of one script';
  return undefined;
}

/**
 * The one e-mail schema (register, login, the CLI, any route taking an e-mail): trimmed,
 * NFKC and lower-cased, so look-alike spellings of one address compare equal, then refused
 * if it hides invisible characters, ends its domain with a dot or mixes scripts.
 */
export const EmailSchema = z
  .string()
  .trim()
  .normalize('NFKC')
  .toLowerCase()
  .min(3)
  .max(EMAIL_LENGTH_MAX)
  .superRefine((email, context) => {
    const message = emailProblem(email);
    if (message !== undefined) context.addIssue({ code: 'custom', message, input: email });
  });

export const WalletIdParams = z.strictObject({ walletId: IdSchema });
export const HoldIdParams = z.strictObject({ holdId: IdSchema });
