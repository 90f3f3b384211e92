import { closeOutDueDate, dataSharingDueDate, reportDueDate } from '../../src/domain';

describe('close-out due dates (R1, R2, I3)', () => {
  test('R1: end 31 Jan → 29 Feb in a leap year, 28 Feb otherwise (T1 clamp)', () => {
    expect(closeOutDueDate('2024-01-31', '2024-01-31')).toBe('2024-02-29');
    expect(closeOutDueDate('2023-01-31', '2023-01-31')).toBe('2023-02-28');
  });

  test('R1: end 15 Mar → 15 Apr; 31 Mar → 30 Apr', () => {
    expect(closeOutDueDate('2024-03-15', '2024-03-15')).toBe('2024-04-15');
    expect(closeOutDueDate('2024-03-31', '2024-03-20')).toBe('2024-04-30');
  });

  test('R1: end 31 Oct → 30 Nov; end 30 Nov → 30 Dec (only December ends use 30 November)', () => {
    expect(closeOutDueDate('2024-10-31', '2024-10-31')).toBe('2024-11-30');
    expect(closeOutDueDate('2024-11-30', '2024-11-30')).toBe('2024-12-30');
  });

  test('R1: end 31 Dec recorded in June → 30 November of that year', () => {
    expect(closeOutDueDate('2024-12-31', '2024-06-15')).toBe('2024-11-30');
  });

  test('R1/I3: a December end recorded on 30 November itself still gets 30 November (not yet passed)', () => {
    expect(closeOutDueDate('2024-12-31', '2024-11-30')).toBe('2024-11-30');
  });

  test('I3: end 5 Dec recorded 5 Dec (30 Nov passed) → 14 days after the end: 19 Dec', () => {
    expect(closeOutDueDate('2024-12-05', '2024-12-05')).toBe('2024-12-19');
  });

  test('I3: end 31 Dec recorded 1 Dec → 14 January of the next year', () => {
    expect(closeOutDueDate('2024-12-31', '2024-12-01')).toBe('2025-01-14');
  });

  test('R2: data sharing is due on the same rule as the report', () => {
    for (const [end, rec] of [['2024-01-31', '2024-01-31'], ['2024-12-05', '2024-12-05'], ['2024-12-31', '2024-03-01']] as const) {
      expect(dataSharingDueDate(end, rec)).toBe(reportDueDate(end, rec));
    }
    expect(reportDueDate).toBe(closeOutDueDate);
  });
});
