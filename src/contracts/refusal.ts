import { ApplicationFailure } from '@temporalio/common';
import { isRuleId, type RuleId, type Violation } from '../domain/rules';

/**
 * H1: one refusal shape across the Temporal boundary. A validator or handler that refuses
 * throws an `ApplicationFailure` typed `RULE:<id>` (a spec rule refused: the API answers 422
 * naming the rule) or `STATE` (invalid in the current state: 409). The API maps it once
 * (`src/api/errors.ts`), so no route re-checks a rule only to choose the status code.
 * Non-retryable: a refusal is an answer, not a fault.
 */
export const STATE_REFUSAL = 'STATE';
const RULE_PREFIX = 'RULE:';

/** `extra` is data the API adds to the problem body (e.g. I4's list of short applications). */
export function ruleRefusal(rule: RuleId, message: string, violations?: Violation[], extra?: Record<string, unknown>): ApplicationFailure {
  const text = message.startsWith(`${rule}:`) ? message : `${rule}: ${message}`;
  return ApplicationFailure.create({
    type: `${RULE_PREFIX}${rule}`, message: text, nonRetryable: true,
    details: [violations ?? [], extra ?? {}],
  });
}

export function stateRefusal(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: STATE_REFUSAL, message, nonRetryable: true });
}

/** Throws a rule refusal: `refuseRule('O1', 'at least one unit')`. */
export function refuseRule(rule: RuleId, message: string, violations?: Violation[], extra?: Record<string, unknown>): never {
  throw ruleRefusal(rule, message, violations, extra);
}

/** Throws a state refusal: `refuseState('the call is already closed')`. */
export function refuseState(message: string): never {
  throw stateRefusal(message);
}

/** Refuses with every violation found, the first naming the rule; nothing when the list is empty. */
export function refuseViolations(violations: Violation[]): void {
  const first = violations[0];
  if (first) refuseRule(first.rule, violations.map((v) => v.message).join('; '), violations);
}

export interface Refusal {
  kind: 'RULE' | 'STATE';
  rule?: RuleId;
  message: string;
  violations?: Violation[];
  extra?: Record<string, unknown>;
}

/**
 * Reads a refusal back from a failure, or undefined. Walks the cause chain, so a refusal an
 * activity threw inside an Update handler (Update failure → activity failure → refusal) counts.
 */
export function refusalOf(err: unknown): Refusal | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const found = refusalHere(e);
    if (found) return found;
  }
  return undefined;
}

function refusalHere(err: Error): Refusal | undefined {
  if (!(err instanceof ApplicationFailure) || !err.type) return undefined;
  if (err.type === STATE_REFUSAL) return { kind: 'STATE', message: err.message };
  if (!err.type.startsWith(RULE_PREFIX)) return undefined;
  const rule = err.type.slice(RULE_PREFIX.length);
  if (!isRuleId(rule)) return undefined;
  const [violations, extra] = (err.details ?? []) as [Violation[] | undefined, Record<string, unknown> | undefined];
  return {
    kind: 'RULE', rule, message: err.message,
    ...(Array.isArray(violations) && violations.length > 0 ? { violations } : {}),
    ...(extra && typeof extra === 'object' && Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
