/**
 * H4: the console's pages are HTML built on the server from template literals. `html`
 * escapes every interpolated value unless it is already markup (an `Html` made by `html`
 * itself); arrays are joined. One escape helper, so no page can forget it.
 */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

function part(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(v);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += part(v) + strings[i + 1]!));
  return new Html(out);
}

/** Markup the console wrote itself (never user data). */
export const trusted = (s: string) => new Html(s);

/** JSON for a `data-*` attribute (escaped by `html` like any value). */
export const json = (v: unknown) => JSON.stringify(v);
