import type { Template } from './base';

/** N: the closeout phase's notices (Korean first, then English). */
export const CLOSEOUT_TEMPLATES = {} satisfies Record<string, Template>;
