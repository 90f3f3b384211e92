import type { Client } from '@temporalio/client';
import type { Sql } from '../db';
import type { Config } from '../config';
// TODO(owner: lead) real API lands here; signature is fixed.
export interface RunningApi { url: string; close(): Promise<void> }
export async function startApi(_opts: { config: Config; sql: Sql; client: Client }): Promise<RunningApi> {
  return { url: 'http://localhost:0', close: async () => undefined };
}
export async function ensureFirstOperatorKey(_sql: Sql, _config: Config): Promise<string | undefined> {
  return undefined;
}
