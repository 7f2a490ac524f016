// HTML for notification e-mails: every piece of user text goes through escapeHtml, and the
// layout takes only pre-escaped fragments, so a note like `<script>` arrives as text.

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Collapses whitespace (line breaks included): user text in a subject or a single line. */
export const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

/** A minimal, inline-styled page: mail clients ignore style sheets. Inputs are escaped HTML. */
export function htmlLayout(title: string, paragraphsHtml: readonly string[]): string {
  const body = paragraphsHtml.map((paragraph) => `<p>${paragraph}</p>`).join('\n');
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    `<h1 style="font-size: 18px">${escapeHtml(title)}</h1>`,
    body,
    '<p style="color: #666; font-size: 12px">Mini TNG: this message was sent automatically.</p>',
    '</body></html>',
  ].join('\n');
}
