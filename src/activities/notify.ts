import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Sql } from '../db';
import { renderNotice, type NoticeKind } from '../notices/templates';
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

/** The one way any activity sends a notice: rendered, through the outbox, exactly once per key (N). */
export function createNotify(deps: ActivityDeps) {
  const { sql } = deps;
  async function loadApplication(applicationId: string) {
    const [row] = await sql<ApplicationContactRow[]>`
      select a.id, a.call_id, c.title as call_title, a.title, a.organisation_name, a.content
      from applications a join calls c on c.id = a.call_id where a.id = ${applicationId}`;
    if (!row) throw new Error(`application ${applicationId} not found`);
    return row;
  }

  return async function notify(req: NoticeRequest): Promise<{ sent: boolean; alreadySent: boolean }> {
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
    };
}
