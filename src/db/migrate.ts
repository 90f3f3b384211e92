import type { Sql } from './index';
// TODO(owner: lead) real migrations land here; signature is fixed.
export async function migrate(_sql: Sql): Promise<string[]> {
  return [];
}
