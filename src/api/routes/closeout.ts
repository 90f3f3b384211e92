import type { ApiDeps } from '../context';
import type { RouteSpec } from '../route';

/** Result report, data sharing, restriction lift (R1–R6, E5). */
export function closeOutRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any>> {
  void deps;
  return [];
}
