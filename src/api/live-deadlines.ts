import { currentDeadlines, type IsoDate } from '../domain';
import type { ApplicationState } from '../contracts/application';

/**
 * T2: the deadlines of a running application as of the API's today, through the domain's
 * rule, from the facts its workflow keeps: a workflow only recomputes them at its own events,
 * so its last answer can show a past date, or the monthly check that ran, for weeks. A
 * finished workflow (no next deadline shown) and histories without the facts keep what they have.
 */
export function liveDeadlines(state: ApplicationState, today: IsoDate): Pick<ApplicationState, 'deadlines' | 'nextDeadline'> {
  if (!state.deadlineFacts || !state.nextDeadline) return { deadlines: state.deadlines, nextDeadline: state.nextDeadline };
  const live = currentDeadlines(state.deadlineFacts, today, state.nextDeadline);
  return { deadlines: live.deadlines, nextDeadline: live.next ?? undefined };
}
