import {
  addDays, addMonthsClamped, applicationDeadlines, batchDeadlines, batchFor, closeOutDueDate, compareDates, dataSharingDueDate,
  daysBetween, daysInMonth, DECEMBER_LATE_RECORD_DAYS, DEADLINE_NAMES, earlyCloseAllowed, earlyCloseViolations, EARLY_CLOSE_NOTICE_DAYS,
  effectiveSetupEnd, firstDayOfNextMonth, lastDayOfMonth, lastDayOfQuarter, MIN_OPERATION_DAYS_FOR_REVIEW, monthOf, nextDeadline,
  nextQuarterlyReview, NOTIFICATION_DAYS, quarterlyReviewDates, reportDueDate, REVIEW_DAYS, REVIEW_MONTH_ENDS, reviewSkipped,
  SETUP_GRACE_DAYS, setupEndDate, type IsoDate, type Pool,
} from '../../src/domain';

/**
 * T3: every day of 2024–2030 (leap years 2024 and 2028, every 31 January, 29 February,
 * 30 November, 1 and 31 December, quarter end) as "today" and as an end date, through the
 * real domain rules, checking what each rule promises rather than re-deriving its dates.
 * A failure lists the days it failed on, so a calendar edge names itself.
 */
const FIRST = '2024-01-01';
const LAST = '2030-12-31';
const DAYS: IsoDate[] = [];
for (let d = FIRST; compareDates(d, LAST) <= 0; d = addDays(d, 1)) DAYS.push(d);

const lt = (a: IsoDate, b: IsoDate) => compareDates(a, b) < 0;
const le = (a: IsoDate, b: IsoDate) => compareDates(a, b) <= 0;
const dayOf = (d: IsoDate) => Number(d.slice(8, 10));
const november30 = (d: IsoDate) => `${d.slice(0, 4)}-11-30`;

/** Collects broken invariants (the first 20) instead of stopping at the first. */
function invariants() {
  const broken: string[] = [];
  return {
    check(ok: boolean, what: () => string) {
      if (!ok && broken.length < 20) broken.push(what());
    },
    broken,
  };
}

test('T3: the sweep covers every day of 2024–2030, both leap days included', () => {
  expect(DAYS).toHaveLength(7 * 365 + 2);
  expect(DAYS).toEqual(expect.arrayContaining(['2024-02-29', '2028-02-29']));
  expect(DAYS).not.toContain('2025-02-29');
});

test('T3/T1/R1/R2/I3: every end date and recording day gives a close-out due date the rules promise', () => {
  const { check, broken } = invariants();
  for (const end of DAYS) {
    // The day the end became known: long before (the scheduled end, known from allocation),
    // on 30 November and 1 December of its year, and the end itself (an early end).
    const recordings = [addDays(end, -200), november30(end), addDays(november30(end), 1), end].filter((r) => le(r, end));
    for (const recordedOn of recordings) {
      const due = closeOutDueDate(end, recordedOn);
      const at = `end ${end} recorded ${recordedOn} → ${due}`;
      // R2: data sharing is due on the same rule as the report.
      check(dataSharingDueDate(end, recordedOn) === due && reportDueDate(end, recordedOn) === due, () => `R2 differs: ${at}`);
      // The due date is never already past on the day the end is recorded (I3's reason to exist).
      check(le(recordedOn, due), () => `due before it was recorded: ${at}`);
      if (end.slice(5, 7) === '12') {
        if (le(recordedOn, november30(end))) {
          // R1: a December end known by 30 November is due on 30 November of that year, before the end.
          check(due === november30(end), () => `R1 December: ${at}`);
        } else {
          // I3: 30 November had passed: 14 days after the end (into January from the 18th on).
          check(daysBetween(end, due) === DECEMBER_LATE_RECORD_DAYS, () => `I3: ${at}`);
          check(dayOf(end) >= 18 ? due.slice(5, 7) === '01' : due.slice(5, 7) === '12', () => `I3 month: ${at}`);
        }
      } else {
        // R1 + T1: one month after: the next month, same day, clamped to that month's last day.
        const next = firstDayOfNextMonth(end);
        check(monthOf(due) === monthOf(next), () => `R1 month: ${at}`);
        check(dayOf(due) === Math.min(dayOf(end), daysInMonth(monthOf(next))), () => `T1 clamping: ${at}`);
        check(dayOf(end) <= dayOf(due) || due === lastDayOfMonth(next), () => `T1 clamp is the month end: ${at}`);
        check(lt(end, due) && daysBetween(end, due) >= 28 && daysBetween(end, due) <= 31, () => `R1 span: ${at}`);
        check(due === closeOutDueDate(end, end), () => `R1 depends on the recording day outside December: ${at}`);
      }
    }
  }
  // The calendar edges, by name (T1: 31 January → end of February; 29 February → 29 March).
  expect([closeOutDueDate('2024-01-31', '2024-01-31'), closeOutDueDate('2025-01-31', '2025-01-31'), closeOutDueDate('2024-02-29', '2024-02-29')])
    .toEqual(['2024-02-29', '2025-02-28', '2024-03-29']);
  expect(broken).toEqual([]);
});

test('T3/T1: "one month after" is clamped to the month end and never skips a month, on every day', () => {
  const { check, broken } = invariants();
  for (const d of DAYS) {
    const m = addMonthsClamped(d, 1);
    check(monthOf(m) === monthOf(firstDayOfNextMonth(d)), () => `${d} + 1 month = ${m}`);
    check(dayOf(m) === dayOf(d) || (dayOf(m) < dayOf(d) && m === lastDayOfMonth(m)), () => `${d} + 1 month = ${m} (not clamped to the month end)`);
  }
  expect(broken).toEqual([]);
});

test('T3/V2: every cutoff gets its review 14 days and its results 21 days later; every acceptance joins the first cutoff on or after it', () => {
  const { check, broken } = invariants();
  // Cutoffs: every C2 quarter end plus the 10th of every other month.
  const cutoffsOf = new Map<string, IsoDate[]>();
  for (const d of DAYS) {
    const year = d.slice(0, 4);
    const list = cutoffsOf.get(year) ?? [];
    for (const c of [lastDayOfQuarter(d), ...(Number(d.slice(5, 7)) % 2 === 0 ? [`${d.slice(0, 7)}-10`] : [])]) if (!list.includes(c)) list.push(c);
    cutoffsOf.set(year, list);
  }
  for (const cutoff of DAYS) {
    const { reviewDue, notificationDue } = batchDeadlines(cutoff);
    check(daysBetween(cutoff, reviewDue) === REVIEW_DAYS && daysBetween(cutoff, notificationDue) === NOTIFICATION_DAYS, () => `V2 ${cutoff}: ${reviewDue} / ${notificationDue}`);
    check(lt(reviewDue, notificationDue), () => `V2 results before the review: ${cutoff}`);
  }
  for (const acceptedOn of DAYS) {
    // The call's cutoffs of this year and the first of the next, in no particular order.
    const year = Number(acceptedOn.slice(0, 4));
    const cutoffs = [...(cutoffsOf.get(String(year + 1)) ?? []).slice(0, 1), ...cutoffsOf.get(String(year))!].reverse();
    const joined = batchFor(acceptedOn, cutoffs);
    check(joined !== null && le(acceptedOn, joined), () => `V2 ${acceptedOn} joined ${joined}`);
    check(joined === null || !cutoffs.some((c) => le(acceptedOn, c) && lt(c, joined)), () => `V2 ${acceptedOn} skipped an earlier cutoff than ${joined}`);
    check(joined === null || le(joined, lastDayOfQuarter(acceptedOn)), () => `C2 ${acceptedOn} waits past its quarter end: ${joined}`);
  }
  expect(broken).toEqual([]);
});

test('T3/O2: setup ends 14 days after every allocation day, earlier when reported done, never before the allocation', () => {
  const { check, broken } = invariants();
  for (const allocatedOn of DAYS) {
    const limit = setupEndDate(allocatedOn);
    check(daysBetween(allocatedOn, limit) === SETUP_GRACE_DAYS, () => `O2 ${allocatedOn} → ${limit}`);
    for (const n of [-1, 0, 3, 14, 15]) {
      const done = addDays(allocatedOn, n);
      const end = effectiveSetupEnd(allocatedOn, done);
      check(le(allocatedOn, end) && le(end, limit) && (n < 0 || n > 14 || end === done), () => `O2 ${allocatedOn} done ${done} → ${end}`);
    }
  }
  expect(broken).toEqual([]);
});

test('T3/C3: an early close needs 21 days of notice from every notice day (20 refused naming C3 and closeOn, 21 allowed)', () => {
  const { check, broken } = invariants();
  for (const noticeOn of DAYS) {
    const earliest = addDays(noticeOn, EARLY_CLOSE_NOTICE_DAYS);
    const early = addDays(earliest, -1);
    check(earlyCloseAllowed(noticeOn, earliest) && !earlyCloseAllowed(noticeOn, early), () => `C3 ${noticeOn}: ${early} / ${earliest}`);
    check(earlyCloseViolations(noticeOn, earliest).length === 0, () => `C3 ${noticeOn} → ${earliest} refused`);
    const refused = earlyCloseViolations(noticeOn, early);
    check(refused.length === 1 && refused[0]!.rule === 'C3' && refused[0]!.field === 'closeOn' && refused[0]!.message.includes(earliest), () => `C3 ${noticeOn} → ${early}: ${JSON.stringify(refused)}`);
  }
  expect(broken).toEqual([]);
});

test('T3/I2: from every day, the next quarterly review is a March, June or September end, on or after today, within support, after 30 days of operation, none skipped wrongly', () => {
  const { check, broken } = invariants();
  DAYS.forEach((today, i) => {
    const supportEnd = `${Number(today.slice(0, 4)) + 1}-12-31`;
    // Allocated today, and (rotating by day, to stay fast) 20, 44 or 120 days ago.
    for (const ago of [0, [20, 44, 120][i % 3]!]) {
      const setupEnd = setupEndDate(addDays(today, -ago));
      const review = nextQuarterlyReview(today, setupEnd, supportEnd);
      const at = `today ${today} setup end ${setupEnd} → ${review}`;
      check(review !== null, () => `I2 no review within a year and more: ${at}`);
      if (!review) continue;
      check(REVIEW_MONTH_ENDS.some((md) => review.endsWith(md)), () => `I2 not a review date (December is the close-out's): ${at}`);
      check(le(today, review) && le(review, supportEnd), () => `I2 outside [today, support end]: ${at}`);
      check(daysBetween(setupEnd, review) >= MIN_OPERATION_DAYS_FOR_REVIEW && !reviewSkipped(review, setupEnd), () => `I2 under 30 days of operation: ${at}`);
      const earlier = quarterlyReviewDates(addDays(today, -1), addDays(review, -1));
      check(earlier.every((d) => reviewSkipped(d, setupEnd)), () => `I2 an earlier review was not skipped: ${at} (${earlier.join(', ')})`);
    }
  });
  expect(broken).toEqual([]);
});

test('T3/T2: on every day, every deadline of an application follows its rule and the next deadline is never before today', () => {
  const { check, broken } = invariants();
  // Each day: a dedicated and a shared allocation, allocated today, 16 days ago (setup just
  // over) or 75 days ago, rotating by day so that every pairing meets every third day.
  const AGES = [0, 16, 75];
  DAYS.forEach((today, i) => {
    const supportEnd = `${today.slice(0, 4)}-12-31`;
    for (const [pool, ago] of [['DEDICATED', AGES[i % 3]!], ['SHARED', AGES[(i + 1) % 3]!]] as Array<[Pool, number]>) {
      {
        const allocatedOn = addDays(today, -ago);
        const batchCutoff = addDays(allocatedOn, -25);
        const batch = batchDeadlines(batchCutoff);
        const setupEnd = setupEndDate(allocatedOn);
        const scheduled = applicationDeadlines({ batchCutoff, allocatedOn, supportEnd, pool, today });
        // An early end today (withdrawal, Q2 reclaim): recorded today (I3 in December).
        const early = applicationDeadlines({ batchCutoff, allocatedOn, supportEnd, endedOn: today, pool, today });
        for (const [kind, d] of [['scheduled', scheduled], ['ended today', early]] as const) {
          const at = () => `${kind} ${pool} today ${today} allocated ${allocatedOn}: ${JSON.stringify(d)}`;
          check(d.reportDue === d.dataSharingDue, () => `R2: ${at()}`);
          check(d.reportDue === closeOutDueDate(d.supportEnd, kind === 'scheduled' ? allocatedOn : today), () => `R1/I3: ${at()}`);
          check(d.setupEnd === setupEnd, () => `O2: ${at()}`);
          check(d.reviewDue === batch.reviewDue && d.notificationDue === batch.notificationDue, () => `V2: ${at()}`);
          if (d.nextUtilisationCheck) {
            // O4: the 1st of a month, not before today, after the setup end, within support.
            check(d.nextUtilisationCheck.endsWith('-01') && le(today, d.nextUtilisationCheck) && lt(d.setupEnd!, d.nextUtilisationCheck) && le(d.nextUtilisationCheck, d.supportEnd), () => `O4: ${at()}`);
          }
          check(pool === 'DEDICATED' || d.nextUtilisationCheck === undefined, () => `K2 a shared allocation has no monthly check: ${at()}`);
          if (d.nextQuarterlyReview) check(le(today, d.nextQuarterlyReview) && le(d.nextQuarterlyReview, d.supportEnd), () => `I2: ${at()}`);
          const next = nextDeadline(d, today);
          const upcoming = DEADLINE_NAMES.map((n) => d[n]).filter((x): x is IsoDate => !!x && le(today, x));
          check(next === null ? upcoming.length === 0 : le(today, next.date) && upcoming.every((x) => le(next.date, x)) && d[next.name] === next.date, () => `T2 next ${JSON.stringify(next)}: ${at()}`);
        }
        // I3/T2: an end recorded today is never already overdue: its due date is today or later.
        check(le(today, early.reportDue) && nextDeadline(early, today) !== null, () => `I3 overdue on the day it ended: today ${today} → ${early.reportDue}`);
      }
    }
  });
  expect(broken).toEqual([]);
});
