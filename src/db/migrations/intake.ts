import type { Migration } from '../migration';

/**
 * A2: titles compared as people read them (src/domain/application-content.ts titleKey), in
 * the submit's check and in the unique index alike; a withdrawn or ineligible application
 * no longer holds its title. Never edit once landed.
 */
export const INTAKE_MIGRATION: Migration = {
  id: '014_intake_rules',
  sql: `
-- A2: the key the API writes with every draft and edit (titleKey: NFKC, lower case,
-- punctuation and runs of spaces read as one space, trimmed).
alter table applications add column title_key text;
-- Rows stored before: the same key as closely as SQL computes it (NFKC; C-locale lower()
-- lowers ASCII only, the case a full-width Latin title has after NFKC). New rows get the
-- domain's key from the API (left nullable for rows written outside it, as the benches do).
update applications set title_key = btrim(regexp_replace(lower(normalize(title, NFKC)), '[[:punct:][:space:]]+', ' ', 'g'));
drop index applications_a2_title;
create unique index applications_a2_title_key on applications (call_id, brn, title_key)
  where submitted_at is not null and status not in ('WITHDRAWN', 'INELIGIBLE');
`,
};
