import type { IsoDate } from '../domain';

/** R6: the survey workflow's input (one workflow per call, id from `surveyWorkflowId`). */
export interface SurveyInput {
  callId: string;
  /** R6: the call's survey day, 'MM-DD'. */
  surveyOn: string;
  supportEndsOn: IsoDate;
}
