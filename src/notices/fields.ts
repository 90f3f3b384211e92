import type { ContactField } from '../domain';

/**
 * N/N2/N3: who receives a notice kind (applicants get the N2 parts: next step, link, contact).
 * LINK: a one-time link sent to one address (S6 sign-in, A7 confirmation): the link is the
 * next step, so it carries no application link, but names the desk and replies to it.
 */
export type Audience = 'APPLICANT' | 'OPERATORS' | 'EVALUATOR' | 'LINK';

const itemsOf = (data: Record<string, unknown>): string[] =>
  [data.item, ...(Array.isArray(data.items) ? data.items : [])].filter((x): x is string => typeof x === 'string');

/**
 * N2: the desk a notice names and replies to. Data-sharing notices go to the data desk,
 * allocation and setup to technical support, everything else to operations policy.
 */
export function contactFieldOf(kind: string, data: Record<string, unknown>): ContactField {
  if (kind === 'ALLOCATED' || kind === 'SETUP_ENDING') return 'technicalSupport';
  const items = itemsOf(data);
  if (kind.startsWith('CLOSE_OUT_') && items.length > 0 && items.every((i) => i === 'DATA_SHARING')) return 'dataSharing';
  return 'operationsPolicy';
}
