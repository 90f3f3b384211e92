import type { Sql } from './index';

/** O4: one day's mean utilisation of an application, as stored. */
export interface UtilisationSampleRow {
  application_id: string;
  day: string;
  mean_percent: number;
}

/** O4: a repeat of a day corrects it (posted samples, unlike pulled ones, overwrite). */
export async function upsertUtilisationSamples(sql: Sql, rows: UtilisationSampleRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`
      insert into utilisation_samples ${sql(chunk, 'application_id', 'day', 'mean_percent')}
      on conflict (application_id, day) do update set mean_percent = excluded.mean_percent, recorded_at = now()`;
  }
}

export interface MonthSample {
  day: string;
  meanPercent: number;
}

/** O4: the samples of an application within [from, through], by day. */
export async function utilisationSamplesBetween(sql: Sql, applicationId: string, from: string, through: string): Promise<MonthSample[]> {
  return sql<MonthSample[]>`
    select day, mean_percent::float8 as "meanPercent" from utilisation_samples
    where application_id = ${applicationId} and day between ${from}::date and ${through}::date
    order by day`;
}

export interface JudgedMonth {
  month: string;
  verdict: string;
  mean: number | null;
  daysCounted: number;
  daysMissing: number;
  judgedOn: string;
}

/** O4: the judged months of an application, oldest first. */
export async function judgedMonths(sql: Sql, applicationId: string): Promise<JudgedMonth[]> {
  return sql<JudgedMonth[]>`
    select month, verdict, mean_percent::float8 as mean, days_counted as "daysCounted", days_missing as "daysMissing",
      judged_on as "judgedOn"
    from utilisation_months where application_id = ${applicationId} order by month`;
}
