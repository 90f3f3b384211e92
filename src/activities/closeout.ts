import type { ActivityDeps } from './notify';

/** Activities of the closeout phase (idempotent: Temporal may run any of them again). */
export function closeOutActivities(deps: ActivityDeps) {
  void deps;
  return {};
}
