import { writeAudit } from '../db/audit';
import { FINAL_STATUSES, applicationWorkflowId, type IsoDate } from '../domain';
import { batchAssignedSignal, type ApplicationDeadlinesView, type ApplicationStatus } from '../contracts/application';
import type { AuditEntry } from '../contracts/audit';
import { changeRequestActivities } from './change-requests';
import { closeOutActivities } from './closeout';
import { collectorActivities } from './collector';
import { evaluationActivities } from './evaluation';
import { evaluatorActivities } from './evaluators';
import { fanOut, resumedProgress } from './fanout';
import { DEFAULT_FANOUT_CONCURRENCY, signalMember } from './selection-fanout';
import { createNotify, notifyOrReport, type ActivityDeps } from './notify';
import { operationActivities } from './operation';
import { waitlistActivities } from './waitlist';

export type { ActivityDeps, NoticeRequest } from './notify';

/**
 * Activities are built by a factory over their dependencies (database, SMTP transport,
 * Temporal client) so tests wire real ones and nothing reaches for globals. Every activity
 * is idempotent: Temporal may run it again after a timeout or a worker crash.
 */
export function createActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const notify = createNotify(deps);

  return disjoint(evaluationActivities(deps), evaluatorActivities(deps), operationActivities(deps), changeRequestActivities(deps), closeOutActivities(deps), collectorActivities(deps), waitlistActivities(deps), {
    /** N: renders a notice and sends it through the outbox, exactly once per key. */
    notify,

    /**
     * Mirrors the workflow's state into the row that listings and batch closing read. An
     * operator's action that caused the change comes with its audit entry: both in one
     * transaction (S4/S5), the entry once per key however often this runs.
     */
    async recordApplication(r: {
      applicationId: string;
      status: ApplicationStatus;
      deadlines: ApplicationDeadlinesView;
      documentsAcceptedOn?: IsoDate;
      batchId?: string;
      audit?: AuditEntry;
    }): Promise<{ openCutoffs: IsoDate[] }> {
      return sql.begin(async (tx) => {
        await tx`
          update applications set status = ${r.status}, deadlines = ${sql.json(r.deadlines as never)},
            documents_accepted_on = coalesce(${r.documentsAcceptedOn ?? null}::date, documents_accepted_on),
            batch_id = coalesce(${r.batchId ?? null}, batch_id), updated_at = now()
          where id = ${r.applicationId}`;
        if (r.audit) await writeAudit(tx as never, r.audit);
        // H2/V2: the call's open cutoffs, so a waiting application's next deadline is its
        // batch cutoff (the workflow picks the first on or after its today).
        const open = await tx<Array<{ cutoff: IsoDate }>>`
          select b.cutoff from batches b join applications a on a.call_id = b.call_id
          where a.id = ${r.applicationId} and b.closed_at is null order by b.cutoff limit 12`;
        return { openCutoffs: open.map((b) => b.cutoff) };
      });
    },

    async recordBatch(b: { callId: string; batchId: string; cutoff: IsoDate; addedBy: string; audit?: AuditEntry }): Promise<void> {
      await sql.begin(async (tx) => {
        await tx`
          insert into batches (id, call_id, cutoff, created_by) values (${b.batchId}, ${b.callId}, ${b.cutoff}, ${b.addedBy})
          on conflict (id) do nothing`;
        if (b.audit) await writeAudit(tx as never, { ...b.audit, detail: { ...b.audit.detail, batchId: b.batchId } });
      });
    },

    async recordCallClose(c: { callId: string; closesOn: IsoDate; actor: string; audit?: AuditEntry }): Promise<void> {
      await sql.begin(async (tx) => {
        await tx`update calls set closes_on = ${c.closesOn} where id = ${c.callId}`;
        if (c.audit) await writeAudit(tx as never, c.audit); // S4, with the change
      });
    },

    /** C3: every applicant with an open draft or an application in progress is told. */
    async notifyEarlyClose(c: { callId: string; closesOn: IsoDate }): Promise<{ notified: number }> {
      const rows = await sql<Array<{ id: string }>>`
        select id from applications
        where call_id = ${c.callId} and status not in ${sql(FINAL_STATUSES)}`;
      for (const r of rows) {
        // N: one applicant's notice that can never go out must not keep the others from theirs.
        await notifyOrReport(notify, { key: `${r.id}:EARLY_CLOSE:${c.closesOn}`, kind: 'EARLY_CLOSE', applicationId: r.id, data: c });
      }
      return { notified: rows.length };
    },

    /**
     * V2: at the cutoff, every application whose documents were accepted on or before it
     * and that has no batch joins this one. Re-running it (a retry) finds the same members
     * and signals them again, which the application workflow treats as the same fact.
     * Issue 13: the members are told `FANOUT_CONCURRENCY` at a time, in id order, with the
     * progress in the heartbeat; a retry after a crash goes on after the last reported one.
     */
    async closeBatch(b: { callId: string; batchId: string; cutoff: IsoDate }): Promise<{ members: number; stillWaiting: number }> {
      const members = await sql.begin(async (tx) => {
        await tx`
          update applications set batch_id = ${b.batchId}
          where call_id = ${b.callId} and batch_id is null and status = 'DOCUMENTS_COMPLETE'
            and documents_accepted_on <= ${b.cutoff}`;
        await tx`update batches set closed_at = coalesce(closed_at, now()) where id = ${b.batchId}`;
        return tx<Array<{ id: string }>>`select id from applications where batch_id = ${b.batchId} order by id collate "C"`;
      });
      const resumed = resumedProgress();
      const cursor = resumed?.cursor;
      // The same order as the query's (byte order of the ids), so the cursor means the same.
      const todo = cursor === undefined ? members : members.filter((m) => Buffer.compare(Buffer.from(m.id), Buffer.from(String(cursor))) > 0);
      await fanOut(todo, {
        concurrency: deps.fanOutConcurrency ?? DEFAULT_FANOUT_CONCURRENCY,
        keyOf: (m) => m.id,
        base: { done: members.length - todo.length, total: members.length, ...(cursor !== undefined ? { cursor } : {}) },
        send: (m) =>
          signalMember(() =>
            deps.client.workflow.getHandle(applicationWorkflowId(b.callId, m.id)).signal(batchAssignedSignal, { batchId: b.batchId, cutoff: b.cutoff }),
          ),
      });
      // Counts, not ids: a batch of thousands must not land in the call workflow's history.
      const [{ n }] = await sql<Array<{ n: number }>>`
        select count(*)::int as n from applications where call_id = ${b.callId} and batch_id is null and status = 'DOCUMENTS_COMPLETE'`;
      return { members: members.length, stillWaiting: n };
    },
  });
}

type Merge<T extends object[]> = T extends [infer H, ...infer R extends object[]] ? H & Merge<R> : unknown;

/**
 * The phases' activities share one namespace on the task queue: a name written twice would
 * silently replace the other, so the worker refuses to start instead.
 */
function disjoint<T extends object[]>(...parts: T): Merge<T> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [name, fn] of Object.entries(part)) {
      if (name in merged) throw new Error(`activity ${name} is defined twice`);
      merged[name] = fn;
    }
  }
  return merged as Merge<T>;
}

export type Activities = ReturnType<typeof createActivities>;
