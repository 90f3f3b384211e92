import type { Request } from 'express';

/**
 * H4: the console's pages read the same JSON API its users could call, over loopback, with
 * the signed-in person's own session cookie: what a page shows, or refuses, is exactly what
 * the API lets that person see (S2). No second copy of the access rules.
 */
export interface ApiAnswer<T = any> {
  status: number;
  ok: boolean;
  body: T;
}

export function apiFor(req: Request) {
  const base = `http://127.0.0.1:${req.socket.localPort}`;
  return async function get<T = any>(path: string): Promise<ApiAnswer<T>> {
    const res = await fetch(base + path, { headers: { cookie: req.get('cookie') ?? '', accept: 'application/json' } });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, ok: res.ok, body: body as T };
  };
}

/** A refusal of the API, carried to the page renderer (shown as the problem box). */
export class ApiRefusal extends Error {
  constructor(readonly answer: ApiAnswer) {
    super(`API answered ${answer.status}`);
  }
}

export async function must<T = any>(p: Promise<ApiAnswer<T>>): Promise<T> {
  const a = await p;
  if (!a.ok) throw new ApiRefusal(a);
  return a.body;
}
