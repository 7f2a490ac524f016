// Goal: the one text schema and the one e-mail schema accept exactly what docs/api.md says:
// text is NFC, at most 200 characters, free of controls and lone surrogates; e-mails fold
// case, width and spacing to one form and refuse invisible, dotted and mixed-script forms.
import fc from 'fast-check';
import { EmailSchema, NameSchema, NoteSchema, TEXT_LENGTH_MAX } from './schemas';

const parsed = (schema: typeof NoteSchema | typeof EmailSchema, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? result.data : 'refused';
};

test('text is NFC-normalised before its length is counted', () => {
  expect(parsed(NameSchema, 'Zoe\u0301')).toBe('Zo\u00e9');
  expect(parsed(NoteSchema, 'e\u0301'.repeat(TEXT_LENGTH_MAX))).toBe('\u00e9'.repeat(200));
  expect(parsed(NoteSchema, 'x'.repeat(TEXT_LENGTH_MAX + 1))).toBe('refused');
  expect(parsed(NameSchema, '')).toBe('refused');
  expect(parsed(NoteSchema, '')).toBe('');
});

test('controls, NUL and lone surrogates are never text', () => {
  for (const bad of ['\u0000', 'a\u0000', '\ud800', 'a\udfff', '\u001b', '\u007f', '\u0085']) {
    expect([JSON.stringify(bad), parsed(NoteSchema, bad)]).toEqual([JSON.stringify(bad), 'refused']);
  }
});

test('whatever the text schema accepts is well-formed NFC without controls', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 250 }), (text) => {
    const result = NoteSchema.safeParse(text);
    const value = result.success ? result.data : '';
    return !/[\p{Cc}\p{Cs}]/u.test(value) && value === value.normalize('NFC')
      && value.length <= TEXT_LENGTH_MAX;
  }));
});

test('e-mails fold to one form: trimmed, NFKC, lower case', () => {
  for (const spelling of ['Alice@Example.COM', ' alice@example.com\t', 'ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ']) {
    expect(parsed(EmailSchema, spelling)).toBe('alice@example.com');
  }
  expect(parsed(EmailSchema, 'иван@почта.рф')).toBe('иван@почта.рф');
});

test('invisible, dotted, malformed and mixed-script e-mails are refused', () => {
  const refused = [
    '\u0430lice@example.com', 'alice@ex\u0430mple.com', 'ali\u200bce@example.com',
    'alice@example.com\u202e', 'ali\u00adce@example.com', 'alice@example.com.',
    'alice@.example.com', 'a@b@c', 'alice', 'a b@c.d', 'a\u0000@b.c', 'a\ud800@b.c',
    'x'.repeat(250) + '@b.cd',
  ];
  expect(refused.map((email) => parsed(EmailSchema, email))).toEqual(refused.map(() => 'refused'));
});
