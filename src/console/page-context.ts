import type { Request, Response } from 'express';
import type { ApiDeps } from '../api/context';
import type { Actor } from '../api/auth';

/** What a console page is rendered from: the API's dependencies, the request and the signed-in person. */
export interface PageContext {
  deps: ApiDeps;
  req: Request;
  res: Response;
  actor: Actor & { id: string; name: string };
  csrf: string;
}
export type PageHandler = (c: PageContext) => Promise<string | void>;
