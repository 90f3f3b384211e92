import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { HISTORY_DIR, historyFromFixture } from './support/closeout';
import { workflowBundle } from './support/services';

/**
 * docs/PATCHING.md: histories of whole lifecycles, recorded from the time-skipping tests
 * (AIDC_RECORD_HISTORIES=1) into test/fixtures/histories/, must replay without
 * non-determinism against the current workflow code. A change that breaks one is a change
 * to running workflows that needs patched()/deprecatePatch (never an edited fixture).
 */
Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state chatter hides failures

const fixtures = readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.json')).sort();

test('H2: there are recorded histories of whole lifecycles to replay', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(3);
  const types = fixtures.map((f) => JSON.parse(readFileSync(path.join(HISTORY_DIR, f), 'utf8')).workflowId as string);
  expect(types.some((id) => id.startsWith('application-'))).toBe(true);
});

async function replay(workflowId: string, history: unknown) {
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, [{ workflowId, history }])) results.push(r);
  expect(results).toHaveLength(1);
  return results[0]!.error;
}

test.each(fixtures)('H2: %s replays without non-determinism against the current workflow bundle', async (file) => {
  const { workflowId, history } = historyFromFixture(readFileSync(path.join(HISTORY_DIR, file), 'utf8'));
  expect(history.events.length).toBeGreaterThan(10);
  expect(await replay(workflowId, history)).toBeUndefined();
});

test('H2: a history whose commands differ from the code is caught (the replay check can fail)', async () => {
  const file = fixtures.find((f) => f.startsWith('application-'))!;
  const { workflowId, history } = historyFromFixture(readFileSync(path.join(HISTORY_DIR, file), 'utf8'));
  // As if the code had once called another activity at this point: what reordering commands looks like.
  const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'someOtherActivity' };
  const error = await replay(workflowId, history);
  expect(error).toBeDefined();
  expect(String(error)).toMatch(/[Nn]ondetermin/);
});
