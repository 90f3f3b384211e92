import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORY_DIR, historyFromFixture } from './support/closeout';
import { workflowBundle } from './support/services';

/**
 * docs/PATCHING.md: histories of whole lifecycles, recorded from the time-skipping tests
 * (AIDC_RECORD_HISTORIES=1) into test/fixtures/histories/, must replay without
 * non-determinism against the current workflow code. A change that breaks one is a change
 * to running workflows that needs patched()/deprecatePatch (never an edited fixture).
 */
const fixtures = readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.json')).sort();

test('H2: there are recorded histories of whole lifecycles to replay', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(3);
  const types = fixtures.map((f) => JSON.parse(readFileSync(path.join(HISTORY_DIR, f), 'utf8')).workflowId as string);
  expect(types.some((id) => id.startsWith('application-'))).toBe(true);
});

test.each(fixtures)('H2: %s replays without non-determinism against the current workflow bundle', async (file) => {
  const { workflowId, history } = historyFromFixture(readFileSync(path.join(HISTORY_DIR, file), 'utf8'));
  expect(history.events.length).toBeGreaterThan(10);
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, [{ workflowId, history }])) results.push(r);
  expect(results).toHaveLength(1);
  expect(results[0]!.error).toBeUndefined();
});
