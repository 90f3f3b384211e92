import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import {
  addDays, closeOutDueDate, endOfDayKst, REMINDER_DAYS_BEFORE, startOfDayKst, type AcceleratorType, type IsoDate,
} from '../../src/domain';
import { AFTER_MIDNIGHT_CHECKS_MS } from '../../src/workflows/application/closeout';
import type { TestApp } from './app';
import { FILES } from './fixtures';
import { applicationView, eventually, giveSelectionResult, submitAndAccept } from './lifecycle';

/**
 * Draft → documents → accepted → (SETUP SHORTCUT to SELECTED, see giveSelectionResult) →
 * allocated through POST /applications/:id/allocation: the start of every close-out test.
 */
export async function allocatedApplication(
  app: TestApp,
  callId: string,
  opts: { type?: AcceleratorType; units?: number; practitionerEmail?: string; businessRegistrationNumber?: string } = {},
) {
  const type = opts.type ?? 'H100';
  const units = opts.units ?? 1;
  const resource = type === 'BOW' ? { pool: 'SHARED' as const, type, units, os: undefined } : { pool: 'DEDICATED' as const, type, units };
  const a = await submitAndAccept(app, callId, {
    resource,
    practitionerEmail: opts.practitionerEmail,
    ...(opts.businessRegistrationNumber ? { organisation: { businessRegistrationNumber: opts.businessRegistrationNumber } } : {}),
  });
  await giveSelectionResult(app, a, { outcome: 'SELECTED', type, units });
  // The allocation route reads the row, which the workflow mirrors a moment after its query shows SELECTED.
  await eventually(() => app.sql`select status from applications where id = ${a.id}`, (r) => r[0]?.status === 'SELECTED');
  const res = await app.api.post(`/applications/${a.id}/allocation`, { servers: type === 'BOW' ? undefined : ['gpu-01'] }, app.operatorKey);
  if (res.status !== 201) throw new Error(`allocation: ${res.status} ${JSON.stringify(res.body)}`);
  await eventually(() => applicationView(app, a.id), (v) => v.status === 'ALLOCATED' && v.closeOut !== null);
  return a;
}

/**
 * Waits until a workflow is closed and answers its status. Not handle.result(): under time
 * skipping that unlocks the server's clock, which then runs through every timer there is.
 */
export async function closedStatus(app: TestApp, workflowId: string): Promise<string> {
  const handle = app.client.workflow.getHandle(workflowId);
  const d = await eventually(() => handle.describe(), (x) => x.status.name !== 'RUNNING');
  return d.status.name;
}

export const validReport = (evidence: string[] = ['paper.pdf']) => ({
  summary: '한국어 STT 모델을 학습하여 CER 7.8%를 달성했다.',
  outcomes: [
    { category: 'TRAINED_MODEL', count: 1, details: 'conformer-large-ko' },
    { category: 'PAPER', count: 2 },
  ],
  evidence,
});

export const validSharing = () => ({
  registrationType: 'PLANNED_DATA',
  dataName: '상담 음성 말뭉치 (비식별)',
  portalReference: 'AIDC-DATA-2026-0042',
  sharingTerms: ['FREE', 'PUBLIC_RESEARCH_ONLY'],
});

/** Uploads one evidence file and hands in the report and the data sharing. */
export async function handInBoth(app: TestApp, a: { id: string; token: string }) {
  const up = await app.api.put(`/applications/${a.id}/evidence/paper.pdf`, FILES.pdf, a.token);
  if (up.status !== 201) throw new Error(`evidence: ${up.status} ${JSON.stringify(up.body)}`);
  const report = await app.api.post(`/applications/${a.id}/result-report`, validReport(), a.token);
  if (report.status !== 200) throw new Error(`report: ${report.status} ${JSON.stringify(report.body)}`);
  const sharing = await app.api.post(`/applications/${a.id}/data-sharing`, validSharing(), a.token);
  if (sharing.status !== 200) throw new Error(`sharing: ${sharing.status} ${JSON.stringify(sharing.body)}`);
}

export const HISTORY_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'histories');

const History = temporal.api.history.v1.History;
/** protobufjs's own object form (64-bit ints and bytes as strings, enums by name): plain JSON. */
const JSON_FORM = { longs: String, enums: String, bytes: String } as const;

/**
 * A history as a JSON fixture. Not the SDK's historyToJSON: with the protobufjs copies
 * installed here it throws ("type must be a Type"), so the proto package's own
 * toObject/fromObject make the round trip.
 */
export const historyToFixture = (workflowId: string, history: unknown) =>
  JSON.stringify({ workflowId, format: 'protobufjs-object', history: History.toObject(History.fromObject(history as object), JSON_FORM) });

export function historyFromFixture(json: string): { workflowId: string; history: temporal.api.history.v1.History } {
  const parsed = JSON.parse(json) as { workflowId: string; history: object };
  return { workflowId: parsed.workflowId, history: History.fromObject(parsed.history) };
}

/**
 * Replay fixtures (docs/PATCHING.md): with AIDC_RECORD_HISTORIES=1 a test saves the history
 * of a workflow it drove to the end into test/fixtures/histories/<name>.json, which
 * test/replay.test.ts replays against the current workflow code.
 */
export async function saveHistory(app: TestApp, workflowId: string, name: string, runId?: string) {
  if (!process.env.AIDC_RECORD_HISTORIES) return;
  const history = await app.client.workflow.getHandle(workflowId, runId).fetchHistory();
  writeFileSync(path.join(HISTORY_DIR, `${name}.json`), `${historyToFixture(workflowId, history)}\n`);
}

/**
 * T3/R1/R2/I3/N: what the close-out of an ended support period owes, computed by the rules
 * from the facts the workflow recorded (SUPPORT_ENDED: the end and the day it was recorded),
 * never from the wall clock alone. `due`: R1/R2 one month after the end, I3 14 days after a
 * December end recorded after its 30 November. `reminders`: the N reminders (14 and 3 days
 * before the due date, sent at 00:30 KST of their day) due by `nowMs`; one whose day had
 * already passed when support ended is never sent late. On 1 December, say, an early end is
 * due in 14 days (I3), so its 14-day reminder goes out at once.
 */
export function closeOutOwed(
  view: { timeline: Array<{ at: string; event: string; detail?: Record<string, unknown> }> },
  nowMs: number = Date.now(),
): { endedOn: IsoDate; due: IsoDate; reminders: number } {
  const ended = view.timeline.find((e) => e.event === 'SUPPORT_ENDED');
  if (!ended) throw new Error('support has not ended: no SUPPORT_ENDED on the timeline');
  const endedOn = ended.detail!.endedOn as IsoDate;
  const due = closeOutDueDate(endedOn, ended.detail!.recordedOn as IsoDate);
  const endedAt = Date.parse(ended.at);
  const reminders = REMINDER_DAYS_BEFORE.filter((days) => {
    const day = addDays(due, -days);
    return endedAt <= endOfDayKst(day) && startOfDayKst(day) + AFTER_MIDNIGHT_CHECKS_MS <= nowMs;
  }).length;
  return { endedOn, due, reminders };
}
