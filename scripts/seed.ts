import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run seed [file]`: loads a call (default: the 2024-1 call of the seed, C4) into a
 * running service through its own API, so the data goes through the same validation and
 * starts the same call workflow as an operator's POST /calls.
 * Needs API_URL (default http://localhost:3000) and OPERATOR_API_KEY.
 */
async function main() {
  const file = process.argv[2] ?? join(__dirname, '..', '..', 'seed', '2024-1.json');
  const apiUrl = process.env.API_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const key = process.env.OPERATOR_API_KEY;
  if (!key) throw new Error('OPERATOR_API_KEY is not set: use the key `npm start` printed on its first start');
  const { _note, ...call } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const res = await fetch(`${apiUrl}/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(call),
  });
  const body = await res.text();
  if (res.status === 409) {
    console.log(`call ${String(call.id)} is already loaded`);
    return;
  }
  if (res.status !== 201) throw new Error(`POST /calls answered ${res.status}: ${body}`);
  console.log(`loaded call ${String(call.id)} (${String(_note ?? '')})`);
  console.log(`see ${apiUrl}/calls/${String(call.id)}`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
