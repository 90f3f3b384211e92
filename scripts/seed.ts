import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kstDateOf } from '../src/domain';
import { callMovedToYear } from './seed-call';

/**
 * `npm run seed [-- --this-year] [file]`: loads a call (default: the 2024-1 call of the
 * seed, C4) into a running service through its own API, so the data goes through the same
 * validation and starts the same call workflow as an operator's POST /calls.
 * `--this-year` loads the same call moved by whole years to the current year (T1: the
 * year in Asia/Seoul), e.g. `2026-1`: 2024-1 itself is kept as the agency published it,
 * and its support ended on 2024-12-31, so it is closed for intake (C1).
 * Needs API_URL (default http://localhost:3000) and OPERATOR_API_KEY.
 */
async function main() {
  const args = process.argv.slice(2);
  const thisYear = args.includes('--this-year');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--this-year');
  if (unknown.length) throw new Error(`unknown option ${unknown.join(', ')} (known: --this-year)`);
  const file = args.find((a) => !a.startsWith('--')) ?? join(__dirname, '..', '..', 'seed', '2024-1.json');
  const apiUrl = process.env.API_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  const key = process.env.OPERATOR_API_KEY;
  if (!key) throw new Error('OPERATOR_API_KEY is not set: use the key `npm start` printed on its first start');
  const { _note, ...seeded } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const call = thisYear ? callMovedToYear(seeded, Number(kstDateOf(Date.now()).slice(0, 4))) : seeded;
  const res = await fetch(`${apiUrl}/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(call),
  });
  const body = await res.text();
  if (res.status === 409) {
    console.log(`call ${String(call.id)} is already loaded`);
  } else if (res.status !== 201) {
    throw new Error(`POST /calls answered ${res.status}: ${body}`);
  } else {
    console.log(`loaded call ${String(call.id)} (${thisYear ? `${String(seeded.id)} moved to this year: ` : ''}${String(_note ?? '')})`);
  }
  // C1: say whether it takes applications today, and if not why (the API's answer).
  const view = (await (await fetch(`${apiUrl}/calls/${String(call.id)}`)).json()) as { open?: boolean; closedReason?: { message: string } | null };
  console.log(view.open ? 'open for applications' : `closed for applications: ${view.closedReason?.message ?? 'see the call'}`);
  console.log(`see ${apiUrl}/calls/${String(call.id)}`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
