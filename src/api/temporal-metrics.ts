import { Client, WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Counter } from 'prom-client';

/** The outcome label of an Update: its failure's type says whether the workflow refused it by rule or by state (H1). */
function updateOutcome(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  if (!failure) return 'completed';
  const type = failure.applicationFailureInfo?.type ?? '';
  if (type.startsWith('RULE:') || type === 'K5') return 'refused_rule';
  if (type === 'STATE') return 'refused_state';
  return 'failed';
}

/**
 * Service metrics: counts every workflow start and Update the API makes, by type and
 * outcome, in one place: a client interceptor on the API's own client (the same
 * connection), so no route counts anything itself.
 */
export function instrumentedClient(client: Client, counters: { starts: Counter<string>; updates: Counter<string> }): Client {
  const interceptor: WorkflowClientInterceptor = {
    async startWithDetails(input, next) {
      try {
        const out = await next(input);
        counters.starts.inc({ workflow: input.workflowType, outcome: 'started' });
        return out;
      } catch (err) {
        counters.starts.inc({ workflow: input.workflowType, outcome: err instanceof WorkflowExecutionAlreadyStartedError ? 'already_started' : 'error' });
        throw err;
      }
    },
    async signalWithStart(input, next) {
      try {
        const out = await next(input);
        counters.starts.inc({ workflow: input.workflowType, outcome: 'signal_with_start' });
        return out;
      } catch (err) {
        counters.starts.inc({ workflow: input.workflowType, outcome: 'error' });
        throw err;
      }
    },
    async startUpdate(input, next) {
      try {
        const out = await next(input);
        // executeUpdate waits for the outcome here; a startUpdate that returns before it is 'accepted'.
        counters.updates.inc({ update: input.updateName, outcome: out.outcome ? updateOutcome(out.outcome.failure) : 'accepted' });
        return out;
      } catch (err) {
        counters.updates.inc({ update: input.updateName, outcome: 'error' });
        throw err;
      }
    },
  };
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    interceptors: { workflow: [...(client.options.interceptors?.workflow as WorkflowClientInterceptor[] | undefined ?? []), interceptor] },
  });
}
