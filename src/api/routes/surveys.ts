import * as R from '../responses';
import { z } from 'zod';
import { RuleViolation, surveyAnswerViolations, SURVEY_TEXT_MAX, type SurveyQuestion } from '../../domain';
import { findApplicationRef } from '../../db/closeout-cases';
import { latestInvitation, responseOf, saveResponse, surveyQuestionsOf } from '../../db/surveys';
import type { Actor } from '../auth';
import { type ApiDeps } from '../context';
import { conflict, forbidden, notFound } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

export const surveyAnswersSchema = z.strictObject({
  answers: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a question id'), z.union([z.number(), z.string().max(SURVEY_TEXT_MAX)]))
    .describe('R6: question id → 1–5 for a SCALE question, text for a TEXT one'),
});

/**
 * R6: the survey form of an invited user (the e-mail's link) and its answers. The form is
 * the latest survey sent for the application; answering again replaces the answers.
 */
export function surveyRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;

  async function invited(id: string, actor: Actor) {
    const app = await findApplicationRef(sql, id);
    if (!app) throw notFound(`application ${id}`);
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application'); // S2
    const invitation = await latestInvitation(sql, app.id);
    if (!invitation) throw conflict(`R6: no satisfaction survey was sent for application ${app.id}`);
    return { app, invitation, questions: await surveyQuestionsOf(sql, invitation.call_id) };
  }

  /** The form as both operations answer it: the invitation, the call's questions, the answers if any. */
  const formOf = (
    app: { id: string },
    invitation: { call_id: string; year: number; sent_on: string },
    questions: SurveyQuestion[],
    response: { answers: Record<string, number | string>; submitted_at: Date } | undefined,
  ) => ({
    applicationId: app.id,
    callId: invitation.call_id,
    year: invitation.year,
    sentOn: invitation.sent_on,
    questions,
    response: response ? { answers: response.answers, submittedAt: response.submitted_at } : null,
  });

  return [
    defineRoute({
      method: 'get',
      path: '/applications/:id/survey',
      tag: 'applications',
      summary: 'R6: the satisfaction survey form sent for this application (its questions) and the answers recorded so far',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the survey form', schema: R.surveyFormResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const { app, invitation, questions } = await invited(params.id, actor);
        return formOf(app, invitation, questions, await responseOf(sql, invitation.call_id, invitation.year, app.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/applications/:id/survey',
      tag: 'applications',
      summary: 'R6: answer the satisfaction survey (again: the answers are replaced); 422 R6 naming each bad answer',
      access: ['APPLICANT'],
      success: { status: 200, description: 'the answers as recorded', schema: R.surveyFormResponse },
      params: applicationIdParam,
      body: surveyAnswersSchema,
      example: { answers: { overall: 5, resource: 4, support: 5, comments: '스토리지 증설 절차가 빨랐으면 합니다.' } },
      handler: async ({ params, body, actor }) => {
        const { app, invitation, questions } = await invited(params.id, actor);
        const broken = surveyAnswerViolations(questions, body.answers);
        if (broken.length) throw RuleViolation.of(broken);
        const saved = await saveResponse(sql, { callId: invitation.call_id, year: invitation.year, applicationId: app.id, answers: body.answers });
        return formOf(app, invitation, questions, saved);
      },
    }),
  ];
}
