import type { ApiDeps } from '../context';
import type { RouteSpec } from '../route';

/** Evaluators, scores, batches and selection (V2–V7, I4, S2). */
export function evaluationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any>> {
  void deps;
  return [];
}
