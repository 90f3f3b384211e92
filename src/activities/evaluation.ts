import type { ActivityDeps } from './notify';

/** Activities of the evaluation phase (idempotent: Temporal may run any of them again). */
export function evaluationActivities(deps: ActivityDeps) {
  void deps;
  return {};
}
