import type { ActivityDeps } from './notify';

/** Activities of the operation phase (idempotent: Temporal may run any of them again). */
export function operationActivities(deps: ActivityDeps) {
  void deps;
  return {};
}
