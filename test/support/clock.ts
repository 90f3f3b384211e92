import { startOfDayKst, type IsoDate } from '../../src/domain';
import type { TestApp } from './app';

/** Skips the time-skipping clock to `instant`; nothing when the clock is already past it. */
export async function advanceTo(app: TestApp, instant: number): Promise<void> {
  const now = await app.env!.currentTimeMs();
  if (instant > now) await app.advance(instant - now);
}

/** T1/T3: skips to `hour` o'clock KST on the chosen `date`; throws when the clock is already past it. */
export async function advanceToKst(app: TestApp, date: IsoDate, hour = 1): Promise<void> {
  const target = startOfDayKst(date) + hour * 3_600_000;
  const now = await app.env!.currentTimeMs();
  if (target <= now) throw new Error(`the clock is already past ${date}`);
  await app.advance(target - now);
}
