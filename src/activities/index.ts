import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Sql } from '../db';
import { applicationWorkflowId, type IsoDate } from '../domain';
import { renderNotice, type NoticeKind } from '../notices/templates';
import { batchAssignedSignal, type ApplicationDeadlinesView, type ApplicationStatus } from '../workflows/messages';
import { enqueueAndSend } from './outbox';

export interface ActivityDeps {
  sql: Sql;
  transport: Transporter;
  client: Client;
  mailFrom: string;
  operationsEmail: string;
}

export interface NoticeRequest {
  /** Unique per notice: the outbox key that makes it go out exactly once (N). */
  key: string;
  kind: NoticeKind;
  applicationId?: string;
  callId?: string;
  /** Operators' notices go to the operations mailbox instead of the practitioner. */
  audience?: 'APPLICANT' | 'OPERATORS';
  data?: Record<string, unknown>;
}

interface ApplicationContactRow {
  id: string;
  call_id: string;
  call_title: string;
  title: string;
  organisation_name: string;
  content: { practitioner: { name: string; email: string }; principalInvestigator: { name: string; email: string } };
}

/**
 * Activities are built by a factory over their dependencies (database, SMTP transport,
 * Temporal client) so tests wire real ones and nothing reaches for globals. Every activity
 * is idempotent: Temporal may run it again after a timeout or a worker crash.
 */
export function createActivities(deps: ActivityDeps) {
  const { sql } = deps;

  async function loadApplication(applicationId: string) {
    const [row] = await sql<ApplicationContactRow[]>`
      select a.id, a.call_id, c.title as call_title, a.title, a.organisation_name, a.content
      from applications a join calls c on c.id = a.call_id where a.id = ${applicationId}`;
    if (!row) throw new Error(`application ${applicationId} not found`);
    return row;
  }

  return {
    /** N: renders a notice and sends it through the outbox, exactly once per key. */
    async notify(req: NoticeRequest): Promise<{ sent: boolean; alreadySent: boolean }> {
      const data = req.data ?? {};
      if (req.applicationId && req.audience !== 'OPERATORS') {
        const app = await loadApplication(req.applicationId);
        const { practitioner, principalInvestigator } = app.content;
        const body = renderNotice(req.kind, {
          applicationId: app.id,
          callId: app.call_id,
          callTitle: app.call_title,
          projectTitle: app.title,
          organisationName: app.organisation_name,
          recipientName: practitioner.name,
          data,
        });
        // N: the practitioner receives every notice, the PI in copy.
        return enqueueAndSend(sql, deps.transport, deps.mailFrom, {
          key: req.key,
          kind: req.kind,
          applicationId: app.id,
          to: practitioner.email,
          cc: principalInvestigator.email !== practitioner.email ? principalInvestigator.email : undefined,
          ...body,
        });
      }
      const body = renderNotice(req.kind, { applicationId: req.applicationId, callId: req.callId, data });
      return enqueueAndSend(sql, deps.transport, deps.mailFrom, {
        key: req.key,
        kind: req.kind,
        applicationId: req.applicationId,
        to: deps.operationsEmail,
        ...body,
      });
    },

    /** Mirrors the workflow's state into the row that listings and batch closing read. */
    async recordApplication(r: {
      applicationId: string;
      status: ApplicationStatus;
      deadlines: ApplicationDeadlinesView;
      documentsAcceptedOn?: IsoDate;
      batchId?: string;
    }): Promise<void> {
      await sql`
        update applications set status = ${r.status}, deadlines = ${sql.json(r.deadlines as never)},
          documents_accepted_on = coalesce(${r.documentsAcceptedOn ?? null}::date, documents_accepted_on),
          batch_id = coalesce(${r.batchId ?? null}, batch_id), updated_at = now()
        where id = ${r.applicationId}`;
    },

    async recordBatch(b: { callId: string; batchId: string; cutoff: IsoDate; addedBy: string }): Promise<void> {
      await sql`
        insert into batches (id, call_id, cutoff, created_by) values (${b.batchId}, ${b.callId}, ${b.cutoff}, ${b.addedBy})
        on conflict (id) do nothing`;
    },

    async recordCallClose(c: { callId: string; closesOn: IsoDate; actor: string }): Promise<void> {
      await sql`update calls set closes_on = ${c.closesOn} where id = ${c.callId}`;
    },

    /** C3: every applicant with an open draft or an application in progress is told. */
    async notifyEarlyClose(c: { callId: string; closesOn: IsoDate }): Promise<{ notified: number }> {
      const rows = await sql<Array<{ id: string }>>`
        select id from applications
        where call_id = ${c.callId} and status not in ('INELIGIBLE', 'NOT_SELECTED', 'WITHDRAWN', 'COMPLETED')`;
      const notify = createActivities(deps).notify;
      for (const r of rows) {
        await notify({ key: `${r.id}:EARLY_CLOSE:${c.closesOn}`, kind: 'EARLY_CLOSE', applicationId: r.id, data: c });
      }
      return { notified: rows.length };
    },

    /**
     * V2: at the cutoff, every application whose documents were accepted on or before it
     * and that has no batch joins this one. Re-running it (a retry) finds the same members
     * and signals them again, which the application workflow treats as the same fact.
     */
    async closeBatch(b: { callId: string; batchId: string; cutoff: IsoDate }): Promise<{ members: string[] }> {
      const members = await sql.begin(async (tx) => {
        await tx`
          update applications set batch_id = ${b.batchId}
          where call_id = ${b.callId} and batch_id is null and status = 'DOCUMENTS_COMPLETE'
            and documents_accepted_on <= ${b.cutoff}`;
        await tx`update batches set closed_at = coalesce(closed_at, now()) where id = ${b.batchId}`;
        return tx<Array<{ id: string }>>`select id from applications where batch_id = ${b.batchId} order by id`;
      });
      for (const m of members) {
        await deps.client.workflow
          .getHandle(applicationWorkflowId(b.callId, m.id))
          .signal(batchAssignedSignal, { batchId: b.batchId, cutoff: b.cutoff });
      }
      return { members: members.map((m) => m.id) };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
