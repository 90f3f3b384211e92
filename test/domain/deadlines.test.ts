import {
  applicationDeadlines, batchDeadlines, expectedBatchCutoff, batchFor, earlyCloseAllowed, earlyCloseViolations, effectiveSetupEnd, intakeViolations,
  isOverdue, nextDeadline, nextQuarterCutoff, NOTIFICATION_DAYS, quarterCutoffToAdd, reminderDates, REVIEW_DAYS, SETUP_GRACE_DAYS,
  setupEndDate, SUPPLEMENT_DAYS, supplementDueDate,
} from '../../src/domain';

describe('deadlines (T2, V2, O2, C2, C3, I5)', () => {
  test('V2: evaluation within 14 days and notification within 21 days of the cutoff', () => {
    expect([REVIEW_DAYS, NOTIFICATION_DAYS, SETUP_GRACE_DAYS, SUPPLEMENT_DAYS]).toEqual([14, 21, 14, 7]);
    expect(batchDeadlines('2024-03-31')).toEqual({ reviewDue: '2024-04-14', notificationDue: '2024-04-21' });
    expect(batchDeadlines('2024-12-20')).toEqual({ reviewDue: '2025-01-03', notificationDue: '2025-01-10' });
  });

  test('V2: an application joins the first cutoff on or after its acceptance, or waits (null)', () => {
    const cutoffs = ['2024-06-30', '2024-03-31', '2024-03-10'];
    expect(batchFor('2024-03-10', cutoffs)).toBe('2024-03-10');
    expect(batchFor('2024-03-11', cutoffs)).toBe('2024-03-31');
    expect(batchFor('2024-04-01', cutoffs)).toBe('2024-06-30');
    expect(batchFor('2024-07-01', cutoffs)).toBeNull();
    expect(batchFor('2024-07-01', [])).toBeNull();
  });

  test('O2: setup ends at most 14 days after allocation, earlier when reported done', () => {
    expect(setupEndDate('2024-04-25')).toBe('2024-05-09');
    expect(effectiveSetupEnd('2024-04-25')).toBe('2024-05-09');
    expect(effectiveSetupEnd('2024-04-25', '2024-04-28')).toBe('2024-04-28');
    expect(effectiveSetupEnd('2024-04-25', '2024-05-20')).toBe('2024-05-09');
    expect(effectiveSetupEnd('2024-04-25', '2024-04-20')).toBe('2024-04-25');
  });

  test('I5: a supplement request gives 7 days by default (configurable)', () => {
    expect(supplementDueDate('2024-03-05')).toBe('2024-03-12');
    expect(supplementDueDate('2024-03-05', 10)).toBe('2024-03-15');
  });

  test('C2: a quarter ending with waiting applications and no cutoff in it gets its last day', () => {
    expect(nextQuarterCutoff('2024-02-13')).toBe('2024-03-31');
    expect(nextQuarterCutoff('2024-12-01')).toBe('2024-12-31');
    expect(quarterCutoffToAdd('2024-05-10', ['2024-03-31'], true)).toBe('2024-06-30');
    expect(quarterCutoffToAdd('2024-05-10', ['2024-03-31'], false)).toBeNull();
    expect(quarterCutoffToAdd('2024-05-10', ['2024-04-01'], true)).toBeNull();
    expect(quarterCutoffToAdd('2024-05-10', ['2024-06-30'], true)).toBeNull();
    expect(quarterCutoffToAdd('2024-05-10', ['2024-07-01'], true)).toBe('2024-06-30');
  });

  test('C3: early close with 20 days of notice is refused, 21 days allowed', () => {
    expect(earlyCloseAllowed('2024-06-01', '2024-06-21')).toBe(false);
    expect(earlyCloseAllowed('2024-06-01', '2024-06-22')).toBe(true);
    expect(earlyCloseAllowed('2024-06-01', '2024-06-01')).toBe(false);
    const v = earlyCloseViolations('2024-06-01', '2024-06-21');
    expect(v.map((x) => x.rule)).toEqual(['C3']);
    expect(v[0]?.message).toContain('2024-06-22');
    expect(earlyCloseViolations('2024-06-01', '2024-06-22', '2024-09-30')).toEqual([]);
    expect(earlyCloseViolations('2024-06-01', '2024-10-30', '2024-09-30').map((x) => x.rule)).toEqual(['C3']);
  });

  test('C1/C3: the intake is open from the announcement through the close date, then refused', () => {
    const call = { announcedOn: '2024-02-13', closesOn: '2024-09-30' };
    expect(intakeViolations(call, '2024-02-13')).toEqual([]);
    expect(intakeViolations(call, '2024-09-30')).toEqual([]);
    expect(intakeViolations(call, '2024-10-01').map((v) => v.rule)).toEqual(['C3']);
    expect(intakeViolations(call, '2024-02-12').map((v) => v.rule)).toEqual(['C1']);
    expect(intakeViolations({ announcedOn: '2024-02-13' }, '2030-01-01')).toEqual([]);
  });

  test('C1: a call whose support end has passed is closed for intake, a rolling one too', () => {
    const rolling = { announcedOn: '2024-02-13', supportEndsOn: '2024-12-31' };
    expect(intakeViolations(rolling, '2024-12-31')).toEqual([]);
    const after = intakeViolations(rolling, '2025-01-01');
    expect(after.map((v) => v.rule)).toEqual(['C1']);
    expect(after[0]?.message).toContain('2024-12-31');
    expect(intakeViolations({ ...rolling, closesOn: '2024-09-30' }, '2025-01-01').map((v) => v.rule)).toEqual(['C1']);
  });

  test('H2/V2/C2: a waiting application expects the earliest open cutoff, or the quarter end when it comes first', () => {
    expect(expectedBatchCutoff('2024-05-15', '2024-05-01', '2024-12-31')).toBe('2024-05-15');
    expect(expectedBatchCutoff('2024-08-15', '2024-05-01', '2024-12-31')).toBe('2024-06-30');
    expect(expectedBatchCutoff(null, '2024-05-01', '2024-12-31')).toBe('2024-06-30');
    expect(expectedBatchCutoff('2024-04-30', '2024-05-01', '2024-12-31')).toBe('2024-06-30');
    expect(expectedBatchCutoff(null, '2024-12-15', '2024-12-10')).toBeNull();
  });

  test('T1: overdue only after the due day; N: reminders 14 and 3 days before', () => {
    expect(isOverdue('2024-11-30', '2024-11-30')).toBe(false);
    expect(isOverdue('2024-11-30', '2024-12-01')).toBe(true);
    expect(reminderDates('2024-11-30')).toEqual(['2024-11-16', '2024-11-27']);
  });

  test('T2: before a batch only the support end and close-out dates are known', () => {
    expect(applicationDeadlines({ supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-03-01' })).toEqual({
      supportEnd: '2024-12-31', reportDue: '2024-11-30', dataSharingDue: '2024-11-30',
    });
  });

  test('T2/V2: in a batch the review and notification deadlines appear; I5: an open supplement too', () => {
    const d = applicationDeadlines({ batchCutoff: '2024-03-31', supplementDue: '2024-03-20', supportEnd: '2024-12-31', pool: 'SHARED', today: '2024-03-13' });
    expect(d).toMatchObject({ reviewDue: '2024-04-14', notificationDue: '2024-04-21', supplementDue: '2024-03-20' });
    expect(d.setupEnd).toBeUndefined();
    expect(nextDeadline(d, '2024-03-13')).toEqual({ name: 'supplementDue', date: '2024-03-20' });
  });

  test('T2/O2/O4/I2: after allocation: setup end, first utilisation check after setup, next quarterly review', () => {
    const d = applicationDeadlines({ batchCutoff: '2024-03-31', allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-04-26' });
    expect(d).toEqual({
      reviewDue: '2024-04-14', notificationDue: '2024-04-21',
      setupEnd: '2024-05-09',
      nextUtilisationCheck: '2024-06-01', // May is the first month with operation days
      nextQuarterlyReview: '2024-06-30',
      supportEnd: '2024-12-31', reportDue: '2024-11-30', dataSharingDue: '2024-11-30',
    });
    expect(nextDeadline(d, '2024-04-26')).toEqual({ name: 'setupEnd', date: '2024-05-09' });
  });

  test('O4: setup reported done early brings the first check forward; the check on the 1st is still ahead that day', () => {
    const early = applicationDeadlines({ allocatedOn: '2024-04-25', setupDoneOn: '2024-04-28', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-04-29' });
    expect(early.setupEnd).toBe('2024-04-28');
    expect(early.nextUtilisationCheck).toBe('2024-05-01');
    const onFirst = applicationDeadlines({ allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-07-01' });
    expect(onFirst.nextUtilisationCheck).toBe('2024-07-01');
    const mid = applicationDeadlines({ allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-07-02' });
    expect(mid.nextUtilisationCheck).toBe('2024-08-01');
  });

  test('O4: checks run while support runs: none after 1 December for a 31 December end', () => {
    const nov = applicationDeadlines({ allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-11-15' });
    expect(nov.nextUtilisationCheck).toBe('2024-12-01');
    const dec = applicationDeadlines({ allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-12-02' });
    expect(dec.nextUtilisationCheck).toBeUndefined();
    expect(dec.nextQuarterlyReview).toBeUndefined();
    expect(dec.reportDue).toBe('2024-11-30'); // scheduled end, known since allocation: R1, not I3
  });

  test('K2/O4: the shared pool has no utilisation check but is reviewed quarterly (I2)', () => {
    const d = applicationDeadlines({ allocatedOn: '2024-04-25', supportEnd: '2024-12-31', pool: 'SHARED', today: '2024-05-15' });
    expect(d.nextUtilisationCheck).toBeUndefined();
    expect(d.nextQuarterlyReview).toBe('2024-06-30');
  });

  test('I2: a review with under 30 days of operation is skipped in the deadlines', () => {
    const d = applicationDeadlines({ allocatedOn: '2024-06-01', supportEnd: '2024-12-31', pool: 'SHARED', today: '2024-06-02' });
    expect(d.setupEnd).toBe('2024-06-15');
    expect(d.nextQuarterlyReview).toBe('2024-09-30'); // 30 Jun has 15 days of operation
  });

  test('Q2/R1: an earlier end moves the support end and the close-out due dates', () => {
    const d = applicationDeadlines({ allocatedOn: '2024-04-25', endedOn: '2024-07-15', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-07-20' });
    expect(d).toMatchObject({ supportEnd: '2024-07-15', reportDue: '2024-08-15', dataSharingDue: '2024-08-15' });
    expect(d.nextUtilisationCheck).toBeUndefined();
    expect(d.nextQuarterlyReview).toBeUndefined();
    expect(nextDeadline(d, '2024-07-20')).toEqual({ name: 'reportDue', date: '2024-08-15' });
  });

  test('I3: an early end in December recorded after 30 November gets 14 days', () => {
    const d = applicationDeadlines({ allocatedOn: '2024-04-25', endedOn: '2024-12-05', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-12-05' });
    expect(d.reportDue).toBe('2024-12-19');
    const recordedLater = applicationDeadlines({ allocatedOn: '2024-04-25', endedOn: '2024-12-05', endRecordedOn: '2024-11-20', supportEnd: '2024-12-31', pool: 'DEDICATED', today: '2024-12-05' });
    expect(recordedLater.reportDue).toBe('2024-11-30');
  });

  test('I3: support that starts in December (allocated after 30 November) gets 14 days after the end', () => {
    const d = applicationDeadlines({ allocatedOn: '2024-12-02', supportEnd: '2024-12-31', pool: 'SHARED', today: '2024-12-02' });
    expect(d.reportDue).toBe('2025-01-14');
    const unallocated = applicationDeadlines({ supportEnd: '2024-12-31', pool: 'SHARED', today: '2024-12-02' });
    expect(unallocated.reportDue).toBe('2025-01-14');
  });

  test('T2: nextDeadline picks the earliest on or after today, skipping past and ignored ones', () => {
    const d = { reviewDue: '2024-04-14', setupEnd: '2024-05-09', supportEnd: '2024-12-31', reportDue: '2024-11-30', dataSharingDue: '2024-11-30' };
    expect(nextDeadline(d, '2024-04-14')).toEqual({ name: 'reviewDue', date: '2024-04-14' });
    expect(nextDeadline(d, '2024-04-15')).toEqual({ name: 'setupEnd', date: '2024-05-09' });
    expect(nextDeadline(d, '2024-06-01')).toEqual({ name: 'reportDue', date: '2024-11-30' });
    expect(nextDeadline(d, '2024-06-01', ['reportDue'])).toEqual({ name: 'dataSharingDue', date: '2024-11-30' });
    expect(nextDeadline(d, '2024-12-01')).toEqual({ name: 'supportEnd', date: '2024-12-31' });
    expect(nextDeadline(d, '2025-01-01')).toBeNull();
  });
});
