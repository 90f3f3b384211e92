import {
  decisionDueDate, DECISION_GRACE_DAYS, DEFAULT_QUARTERLY_DECISION, nextQuarterlyReview, QUARTERLY_DECISIONS, quarterlyReviewDates,
  reviewSkipped,
} from '../../src/domain';

describe('quarterly decisions (Q1, I2)', () => {
  test('Q1: the four decisions; I2: 14 days of grace, then CONTINUE', () => {
    expect(QUARTERLY_DECISIONS).toEqual(['INCREASE', 'CONTINUE', 'DECREASE', 'RECLAIM']);
    expect(DECISION_GRACE_DAYS).toBe(14);
    expect(DEFAULT_QUARTERLY_DECISION).toBe('CONTINUE');
    expect(decisionDueDate('2024-06-30')).toBe('2024-07-14');
  });

  test('I2: reviews on 31 Mar, 30 Jun, 30 Sep within (from, to]; never in December', () => {
    expect(quarterlyReviewDates('2024-02-13', '2024-12-31')).toEqual(['2024-03-31', '2024-06-30', '2024-09-30']);
    expect(quarterlyReviewDates('2024-03-31', '2024-12-31')).toEqual(['2024-06-30', '2024-09-30']);
    expect(quarterlyReviewDates('2024-03-30', '2024-06-30')).toEqual(['2024-03-31', '2024-06-30']);
    expect(quarterlyReviewDates('2024-10-01', '2024-12-31')).toEqual([]);
    expect(quarterlyReviewDates('2024-09-30', '2025-04-30')).toEqual(['2025-03-31']);
    expect(quarterlyReviewDates('2024-06-30', '2024-06-30')).toEqual([]);
    expect(quarterlyReviewDates('2024-07-01', '2024-06-30')).toEqual([]);
  });

  test('I2: a quarter with under 30 days of operation after setup is skipped (29 skipped, 30 reviewed)', () => {
    expect(reviewSkipped('2024-03-31', '2024-03-02')).toBe(true);   // 3–31 Mar: 29 days
    expect(reviewSkipped('2024-03-31', '2024-03-01')).toBe(false);  // 2–31 Mar: 30 days
    expect(reviewSkipped('2024-03-31', '2024-02-29')).toBe(false);
    expect(reviewSkipped('2024-03-31', '2024-04-05')).toBe(true);   // setup still running
  });

  test('I2: the next review not skipped, within the support period', () => {
    expect(nextQuarterlyReview('2024-03-20', '2024-03-15', '2024-12-31')).toBe('2024-06-30');
    expect(nextQuarterlyReview('2024-03-20', '2024-02-15', '2024-12-31')).toBe('2024-03-31');
    expect(nextQuarterlyReview('2024-03-31', '2024-02-15', '2024-12-31')).toBe('2024-03-31');
    expect(nextQuarterlyReview('2024-10-01', '2024-02-15', '2024-12-31')).toBeNull();
    expect(nextQuarterlyReview('2024-04-01', '2024-02-15', '2024-05-31')).toBeNull();
  });
});
