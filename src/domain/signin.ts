/**
 * S6/A7: the pure rules of the e-mail sign-in. An address is compared trimmed and in lower
 * case wherever it decides who may open an application (practitioner or PI) or whether the
 * practitioner's address is the one that was confirmed.
 */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** S6: a sign-in or confirmation link is valid 30 minutes and usable once. */
export const SIGN_IN_LINK_MINUTES = 30;

/** A7: whether the practitioner's current address is the one whose link was opened. */
export const practitionerConfirmed = (practitionerEmail: string, confirmedEmail: string | null | undefined): boolean =>
  Boolean(confirmedEmail) && normaliseEmail(practitionerEmail) === confirmedEmail;

/** T1: an instant as Korean wall-clock time, 'YYYY-MM-DD HH:MM' (for a link's expiry in a notice). */
export function kstDateTimeOf(instantMs: number): string {
  return new Date(instantMs + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
