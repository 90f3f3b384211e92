import { createActivities, type Activities, type ActivityDeps } from '../../src/activities';

/**
 * The fast workflow tier (issue 10): the workflows run on the time-skipping test server over
 * stub activities typed from the real factory, so a renamed or re-typed activity breaks these
 * tests at compile time. Each stub records its calls and answers like the real activity does
 * when everything is stored (the full-stack tier proves the real ones).
 */
export interface ActivityCall<K extends keyof Activities = keyof Activities> {
  name: K;
  args: Parameters<Activities[K]>;
}

type Answers = { [K in keyof Activities]?: (...args: Parameters<Activities[K]>) => Awaited<ReturnType<Activities[K]>> | Promise<Awaited<ReturnType<Activities[K]>>> };

/** What an activity answers when the test says nothing: the answer of a quiet success. */
const QUIET: Answers = {
  recordApplication: () => ({ openCutoffs: [] }),
  notify: () => ({ sent: true, alreadySent: false }),
  notifyEarlyClose: () => ({ notified: 0 }),
  closeBatch: () => ({ members: 0, stillWaiting: 0 }),
  notifyEvaluatorsAssigned: () => ({ notified: 0 }),
  notifyEvaluatorsOfDeadline: () => ({ notified: 0 }),
  sendSurvey: () => ({ surveyed: 0 }),
  restrictOrganisation: () => ({ restrictionId: 1 }),
};

/** The real factory's activity names (building it touches none of its dependencies). */
const NAMES = Object.keys(createActivities({} as ActivityDeps)) as Array<keyof Activities>;

export interface Stubs {
  activities: Activities;
  calls: ActivityCall[];
  /** The calls of one activity, in order. */
  of<K extends keyof Activities>(name: K): Array<Parameters<Activities[K]>>;
  /** The kinds of the notices asked for, in order. */
  notices(): string[];
}

export function stubActivities(answers: Answers = {}): Stubs {
  const calls: ActivityCall[] = [];
  const activities = Object.fromEntries(
    NAMES.map((name) => [
      name,
      async (...args: unknown[]) => {
        calls.push({ name, args } as unknown as ActivityCall);
        const answer = (answers[name] ?? QUIET[name]) as ((...a: unknown[]) => unknown) | undefined;
        return answer ? answer(...args) : undefined;
      },
    ]),
  ) as unknown as Activities;
  return {
    activities,
    calls,
    of: (name) => calls.filter((c) => c.name === name).map((c) => c.args) as never,
    notices: () => calls.filter((c) => c.name === 'notify').map((c) => (c.args[0] as { kind: string }).kind),
  };
}
