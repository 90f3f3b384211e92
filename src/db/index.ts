import postgres from 'postgres';

export type Sql = postgres.Sql;

/** postgres.js pool; `max` stays small because the worker and API share one process under `npm start`. */
export function connectDatabase(url: string, max = 10): Sql {
  return postgres(url, { max, onnotice: () => undefined, types: { date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x } } });
}
