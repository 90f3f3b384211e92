/**
 * The pure rules of the specification (SPEC.md), one home for each rule id. Safe in
 * Temporal workflow code: no Node built-ins, no I/O, no clock, no randomness.
 */
export * from './rules';
export * from './lifecycle';
export * from './dates';
export * from './closeout';
export * from './outcomes';
export * from './catalog';
export * from './organisation';
export * from './documents';
export * from './scoring';
export * from './utilisation';
export * from './quarters';
export * from './deadlines';
export * from './ids';
export * from './masking';
export * from './text';
export * from './signin';
export * from './contacts';
export * from './application-content';
export * from './waitlist';
export * from './release';
export * from './exclusion';
export * from './operation-rules';
export * from './survey';
