import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addDays, kstDateOf, nextSurveyDate, startOfDayKst, type IsoDate } from '../domain';
import type { SurveyInput } from '../contracts/survey';

const { sendSurvey } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

/** The survey goes out in the morning of its day (Seoul), not at midnight. */
const SEND_HOUR_KST = 9;

/**
 * R6: once a year, on the call's survey day, every active user of the call gets the
 * satisfaction survey. One workflow per call (`survey-<callId>`), started with the call:
 * it sleeps to each survey date up to the support end. The activity's notice key (call,
 * year, user) makes it once per user and year, even when a date is run again.
 */
export async function surveyWorkflow(input: SurveyInput): Promise<{ sentOn: IsoDate[] }> {
  const sentOn: IsoDate[] = [];
  let from = kstDateOf(Date.now());
  for (;;) {
    const on = nextSurveyDate(input.surveyOn, from, input.supportEndsOn);
    if (!on) return { sentOn };
    const at = startOfDayKst(on) + SEND_HOUR_KST * 3_600_000;
    if (at > Date.now()) await sleep(at - Date.now(), { summary: `R6: yearly survey ${on}` }); // H2: the timer says what it is
    await sendSurvey({ callId: input.callId, on });
    sentOn.push(on);
    from = addDays(on, 1);
  }
}
