import type { Sql } from './src/db';
import type { Config } from './src/config';
// TODO(owner: lead) real worker lands here; signature is fixed.
export interface RunningWorker { shutdown(): Promise<void>; done: Promise<void> }
export async function runWorker(_opts: { config: Config; sql: Sql }): Promise<RunningWorker> {
  return { shutdown: async () => undefined, done: Promise.resolve() };
}
