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

/** The Temporal CLI's spelling of each type we use (`--type`, `--search-attribute Name=Type`). */
export const CLI_SEARCH_ATTRIBUTE_TYPE: Record<(typeof ALL_SEARCH_ATTRIBUTES)[number]['type'], string> = {
  KEYWORD: 'Keyword',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
};

/** `--search-attribute` values for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_SEARCH_ATTRIBUTE_TYPE[k.type]}`]);
}
