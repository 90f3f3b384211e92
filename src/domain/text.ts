/**
 * S5: which characters a string that enters the service may hold. The one home of the
 * rule; src/api/boundary.ts applies it to every body, query, path, header and file name,
 * and the CSV import to every cell.
 *
 * Never carried, in any field:
 * - NUL (U+0000): PostgreSQL text and jsonb cannot store it ("invalid byte sequence 0x00").
 * - a lone surrogate (U+D800–U+DFFF unpaired): not a character, has no UTF-8 form;
 *   PostgreSQL refuses it in jsonb and SMTP cannot encode it.
 * - the other C0 controls and DEL, except TAB, LF and CR: no text we keep or mail means
 *   them, and SMTP bodies/headers cannot carry them as such.
 *
 * Two kinds of field:
 * - FREE_TEXT (JSON body strings: descriptions, notes, reasons): TAB, LF and CR are
 *   allowed, people write paragraphs.
 * - LINE (query values, path params, header values, file names, CSV cells, JSON keys):
 *   one line only, so no TAB/LF/CR either, and no C1 controls (U+0080–U+009F): these
 *   end up in identifiers, SQL filters, Content-Disposition headers and mail headers,
 *   where a line break is a header injection and a control is never meant.
 */
export type TextKind = 'FREE_TEXT' | 'LINE';

/** What is wrong with the string for its kind, or undefined when it may be carried. */
export function uncarriableCharacter(s: string, kind: TextKind): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `S5: a lone surrogate (U+${hex(c)}) at position ${i}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `S5: a lone surrogate (U+${hex(c)}) at position ${i}`;
    if (c === 0) return `S5: a NUL character at position ${i}`;
    const freeTextSpace = c === 0x09 || c === 0x0a || c === 0x0d;
    if ((c < 0x20 && !(kind === 'FREE_TEXT' && freeTextSpace)) || c === 0x7f || (kind === 'LINE' && c >= 0x80 && c <= 0x9f)) {
      return `S5: a control character (U+${hex(c)}) at position ${i}`;
    }
  }
  return undefined;
}

const hex = (c: number) => c.toString(16).toUpperCase().padStart(4, '0');
