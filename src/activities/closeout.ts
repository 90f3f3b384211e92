import { writeAudit } from '../db/audit';
import { recordInvitation, surveyedUsers } from '../db/surveys';
import type { IsoDate } from '../domain';
import type { CloseOutView } from '../contracts/closeout';
import type { ApplicationStatus, TimelineEntry } from '../contracts/application';
import type { AuditEntry } from '../contracts/audit';
import { createNotify, notifyOrReport, type ActivityDeps } from './notify';

/** R6: the form an invited user answers the survey at (under the service's public URL, N2). */
export const surveyFormLink = (publicUrl: string, applicationId: string) => `${publicUrl}/applications/${applicationId}/survey`;

/** Activities of the closeout phase (idempotent: Temporal may run any of them again). */
export function closeOutActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const notify = createNotify(deps);
  const publicUrl = (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');

  return {
    /**
     * Mirrors an application's close-out into close_outs (newest version wins) and, when it
     * is final, its status and timeline into the application row, so GET /applications/:id
     * still shows them when the workflow cannot be queried.
     */
    async recordCloseOut(r: {
      applicationId: string;
      callId: string;
      version: number;
      closeOut: CloseOutView;
      supportEndedOn?: IsoDate;
      final?: { status: ApplicationStatus; timeline: TimelineEntry[] };
      /** S4: the audit entry of the operator's decision this version stores; once per key. */
      audit?: AuditEntry;
    }): Promise<void> {
      const v = r.closeOut;
      await sql.begin(async (tx) => {
        await tx`
          insert into close_outs (application_id, call_id, version, report_due, data_sharing_due, report_status,
                                  data_sharing_status, support_ended_on, restricted_on, completed_on, view)
          values (${r.applicationId}, ${r.callId}, ${r.version}, ${v.reportDue}, ${v.dataSharingDue}, ${v.report.status},
                  ${v.dataSharing.status}, ${r.supportEndedOn ?? null}, ${v.restriction?.on ?? null}, ${v.completedOn ?? null},
                  ${tx.json(v as never)})
          on conflict (application_id) do update set
            version = excluded.version, report_due = excluded.report_due, data_sharing_due = excluded.data_sharing_due,
            report_status = excluded.report_status, data_sharing_status = excluded.data_sharing_status,
            support_ended_on = excluded.support_ended_on, restricted_on = excluded.restricted_on,
            completed_on = excluded.completed_on, view = excluded.view, updated_at = now()
          where close_outs.version < excluded.version`;
        if (r.supportEndedOn) {
          await tx`update applications set support_ended_on = ${r.supportEndedOn} where id = ${r.applicationId}`;
        }
        if (r.final) {
          await tx`update applications set status = ${r.final.status}, timeline = ${tx.json(r.final.timeline as never)}, updated_at = now()
                   where id = ${r.applicationId}`;
        }
        if (r.audit) await writeAudit(tx as never, r.audit);
      });
    },

    /** Q3/R5/E6 → E5: restricts the organisation until an operator lifts it, once per key (a misuse reclaim, a missed report, a false statement). */
    async restrictOrganisation(r: { key: string; applicationId: string; rule: 'Q3' | 'R5' | 'E6'; reason: string }): Promise<{ restrictionId: number }> {
      const [inserted] = await sql<Array<{ id: string }>>`
        insert into organisation_restrictions (brn, rule, reason, application_id, source_key)
        select brn, ${r.rule}, ${r.reason}, id, ${r.key} from applications where id = ${r.applicationId}
        on conflict (source_key) do nothing returning id`;
      if (inserted) return { restrictionId: Number(inserted.id) };
      const [existing] = await sql<Array<{ id: string }>>`select id from organisation_restrictions where source_key = ${r.key}`;
      if (!existing) throw new Error(`application ${r.applicationId} not found`);
      return { restrictionId: Number(existing.id) };
    },

    /**
     * R6: the survey e-mail, with the link to its form, to every user whose support ran in
     * the survey's year (not only those active on the day), once per user (practitioner
     * address) and year: the notice key is built from both, so a repeat finds it sent; the
     * invitation row (the form's) is kept once the same way.
     */
    async sendSurvey(s: { callId: string; on: IsoDate }): Promise<{ surveyed: number }> {
      const year = Number(s.on.slice(0, 4));
      const users = await surveyedUsers(sql, s.callId, year, s.on);
      for (const u of users) {
        await recordInvitation(sql, { callId: s.callId, year, email: u.email, applicationId: u.id, on: s.on });
        await notifyOrReport(notify, {
          key: `SURVEY:${s.callId}:${year}:${u.email}`,
          kind: 'SURVEY',
          applicationId: u.id,
          data: { year: String(year), on: s.on, formUrl: surveyFormLink(publicUrl, u.id) },
        });
      }
      return { surveyed: users.length };
    },
  };
}
