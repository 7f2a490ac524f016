// Stripe's request bodies are form-encoded with bracketed keys (`metadata[topUpId]=tu-1`,
// `line_items[0][price_data][unit_amount]=700`); this turns one into nested objects for the
// fake Stripe server. Array indexes stay object keys ("0"): the fake only reads by name.
export type FormValue = string | { [key: string]: FormValue };

export function parseFormBody(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, FormValue> = root;
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) {
        node[part] = value;
        break;
      }
      const next = node[part];
      if (typeof next !== 'object') node[part] = {};
      node = node[part] as Record<string, FormValue>;
    }
  }
  return root;
}

export const formString = (value: FormValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

export const formObject = (value: FormValue | undefined): Record<string, FormValue> =>
  typeof value === 'object' ? value : {};
