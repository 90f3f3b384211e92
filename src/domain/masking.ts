/**
 * S3: personal data (names, e-mails, phones) is masked in listings.
 */

/** S3: 'kim@example.com' → 'k***@example.com'. Something that is not an address → '***'. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const first = Array.from(email.slice(0, at))[0] as string;
  return `${first}***${email.slice(at)}`;
}

const MOBILE_RE = /^(010)-?(\d{4})-?(\d{4})$/;
const SEOUL_RE = /^(02)-?(\d{3,4})-?(\d{4})$/;
/** Area codes 031–064 and 070 (internet phones). */
const AREA_RE = /^(0(?:[3-6][1-5]|70))-?(\d{3,4})-?(\d{4})$/;

interface PhoneParts { prefix: string; middle: string; last: string }

function phoneParts(phone: string): PhoneParts | null {
  const s = phone.trim().replace(/\s+/g, '');
  // Hyphens either everywhere or nowhere.
  if (s.includes('-') && s.split('-').length !== 3) return null;
  for (const re of [MOBILE_RE, SEOUL_RE, AREA_RE]) {
    const m = re.exec(s);
    if (m) return { prefix: m[1] as string, middle: m[2] as string, last: m[3] as string };
  }
  return null;
}

/**
 * S3: a Korean phone number: mobile 010-XXXX-XXXX, Seoul 02-XXX(X)-XXXX, other areas
 * 0XX-XXX(X)-XXXX (031–064, 070), with or without hyphens.
 */
export function isKoreanPhone(phone: string): boolean {
  return typeof phone === 'string' && phoneParts(phone) !== null;
}

/** '01012345678' → '010-1234-5678'; null when not a Korean phone number. */
export function formatKoreanPhone(phone: string): string | null {
  const p = phoneParts(phone);
  return p ? `${p.prefix}-${p.middle}-${p.last}` : null;
}

/**
 * S3: '010-1234-5678' → '010-****-5678' (the middle group hidden). Anything else keeps
 * only its last 4 digits: '+82 10 1234 5678' → '****5678'.
 */
export function maskPhone(phone: string): string {
  const p = phoneParts(phone);
  if (p) return `${p.prefix}-${'*'.repeat(p.middle.length)}-${p.last}`;
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `****${digits.slice(-4)}`;
}

/**
 * S3: '김철수' → '김*수', '김철' → '김*', '남궁민수' → '남**수', '김' → '*'. Counted in
 * characters (code points), so Hangul and Latin names alike.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0] as string}*`;
  return `${chars[0] as string}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1] as string}`;
}
