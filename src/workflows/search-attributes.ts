import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * H2: custom search attributes that make the Temporal UI filterable by call, status,
 * pool, type, priority and next deadline. The dev server registers them at start
 * (`--search-attribute Name=Type`); a server where they are not registered (the
 * time-skipping test server, a cluster nobody configured) must still run every workflow,
 * so the starter only passes them when the namespace has them and workflows upsert
 * only what they were started with (see `searchAttributesEnabled` in the workflows).
 */
export const CallIdAttr = defineSearchAttributeKey('AidcCallId', 'KEYWORD');
export const StatusAttr = defineSearchAttributeKey('AidcStatus', 'KEYWORD');
export const PoolAttr = defineSearchAttributeKey('AidcPool', 'KEYWORD');
export const AcceleratorTypeAttr = defineSearchAttributeKey('AidcAcceleratorType', 'KEYWORD');
export const PriorityAttr = defineSearchAttributeKey('AidcPriority', 'BOOL');
export const NextDeadlineAttr = defineSearchAttributeKey('AidcNextDeadline', 'DATETIME');

export const ALL_SEARCH_ATTRIBUTES = [
  CallIdAttr,
  StatusAttr,
  PoolAttr,
  AcceleratorTypeAttr,
  PriorityAttr,
  NextDeadlineAttr,
] as const;

/** `--search-attribute` values for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', DATETIME: 'Datetime' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type]}`]);
}
