import * as R from '../responses';
import { randomInt } from 'node:crypto';
import { EDITABLE_STATUSES, hasStatus, maskEmail, normaliseEmail, requiredDocuments } from '../../domain';
import { insertDraft, updateDraft } from '../../db/applications';
import { newApplicantToken } from '../auth';
import { hashIssuedSecret } from '../secrets';
import { audit, type ApiDeps } from '../context';
import { conflict } from '../errors';
import { defineRoute } from '../route';
import { applicationDraftSchema, applicationIdParam, callIdParam, draftEditSchema, type ApplicationDraft } from '../schemas';
import { applicationSupport, assertPoolOf, draftColumns } from './application-support';
import { loadCall } from './calls';
import exampleDraft from '../../../examples/draft.json';

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newApplicationId = () => Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');

/** A1/A6/A7: creating a draft and editing it until it is submitted. */
export function draftRoutes(deps: ApiDeps) {
  const { sql } = deps;
  const s = applicationSupport(deps);

  return [
    defineRoute({
      method: 'post',
      path: '/calls/:id/applications',
      tag: 'applications',
      summary:
        'Create a draft application (A1, A3). Answers the id and the access token, shown once (S1). 422 naming A1 when the monthly plan does not run from the start to the support end, K1 when a dedicated application asks for other than one server.',
      access: ['PUBLIC'],
      success: { status: 201, description: 'the draft: its id and access token (shown once)', schema: R.draftCreatedResponse },
      params: callIdParam,
      body: applicationDraftSchema,
      example: exampleDraft as ApplicationDraft, // examples/draft.json (H1)
      handler: async ({ params, body, req, res }) => {
        const call = await loadCall(deps, params.id);
        s.assertCallOpen(call);
        assertPoolOf(body.resource);
        s.assertContent(body, call); // A1, K1, A3
        // S6: creating a draft sends an e-mail (A7) to an address anyone may type in.
        deps.emailLimit.take(req, body.practitioner.email);
        const id = newApplicationId();
        const token = newApplicantToken(id);
        const c = draftColumns(body);
        await insertDraft(sql, { id, callId: call.id, columns: c, content: body, tokenHash: hashIssuedSecret(token) });
        const sent = await s.sendConfirmation({ id, callId: call.id, title: c.title, email: body.practitioner.email });
        res.status(201);
        return {
          id,
          accessToken: token,
          status: 'DRAFT',
          practitionerEmailConfirmed: false,
          confirmation: sent
            ? `A7: a confirmation link was sent to ${maskEmail(body.practitioner.email)}; open it before submitting`
            : 'A7: the confirmation link could not be sent; ask for another (POST /applications/:id/confirmation)',
          requiredDocuments: requiredDocuments({
            organisationType: body.organisation.type,
            digitalLeadersClub: body.organisation.digitalLeadersClub,
          }),
          note: 'Keep the access token: it is shown only once and opens this application (S1).',
        };
      },
    }),

    defineRoute({
      method: 'patch',
      path: '/applications/:id',
      success: { status: 200, description: 'the edited draft', schema: R.draftEditedResponse },
      tag: 'applications',
      summary:
        'A7: edit a draft until it is submitted (the applicant, or an operator for them: audited, S4). Each section given (organisation, principalInvestigator, practitioner, project, resource, readiness) replaces that section whole; the result is checked by the same rules as a new draft (A1, A2, A3, K1). A new practitioner address must be confirmed again (a link is sent); any other edit keeps the confirmation.',
      access: ['APPLICANT', 'OPERATOR'],
      params: applicationIdParam,
      body: draftEditSchema,
      handler: async ({ params, body, actor, req }) => {
        const app = await s.load(params.id);
        s.assertOwnerOrStaff(actor, app);
        if (app.submitted_at || app.status !== 'DRAFT') {
          // A7: after submission nothing in the content changes; what a supplement request asks
          // for is documents (re-upload them), and no content field is modelled as askable.
          throw conflict(
            `A7: only a draft can be edited (status is ${app.status})` +
              (hasStatus(EDITABLE_STATUSES, app.status) ? '; a supplement request asks for documents: re-upload them and hand in the supplement' : ''),
          );
        }
        const parsed = applicationDraftSchema.safeParse({ ...app.content, ...body });
        if (!parsed.success) throw parsed.error; // 400 naming each field (H1), as on creation
        const draft = parsed.data;
        assertPoolOf(draft.resource);
        const call = await loadCall(deps, app.call_id);
        s.assertContent(draft, call); // A1, K1, A3: the creation rules
        // A7: the confirmation belongs to an address: a new practitioner address is confirmed again.
        const emailChanged = normaliseEmail(draft.practitioner.email) !== normaliseEmail(app.content.practitioner.email);
        if (emailChanged) deps.emailLimit.take(req, draft.practitioner.email); // S6: the edit sends an e-mail
        const c = draftColumns(draft);
        // S4: an operator's edit and its audit row are committed together (what changed: the sections, no personal data, S3).
        const updated = await sql.begin(async (tx) => {
          const ok = await updateDraft(tx as never, app.id, c, draft);
          if (ok && actor.kind === 'OPERATOR') await audit(tx as never, actor, 'application.draft-edit', `application:${app.id}`, { sections: Object.keys(body).sort() });
          return ok;
        });
        if (!updated) throw conflict('A7: the application was submitted meanwhile; it can no longer be edited');
        const sent = emailChanged && (await s.sendConfirmation({ id: app.id, callId: app.call_id, title: c.title, email: draft.practitioner.email }));
        const after = await s.load(app.id);
        return {
          ...(await s.view(after, actor)),
          ...(emailChanged
            ? {
                confirmation: sent
                  ? `A7: the practitioner address changed; a confirmation link was sent to ${maskEmail(draft.practitioner.email)}`
                  : 'A7: the practitioner address changed; the link could not be sent: POST /applications/:id/confirmation',
              }
            : {}),
        };
      },
    }),
  ];
}
