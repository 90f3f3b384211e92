import {
  addDays, addMonthsClamped, compareDates, daysBetween, daysInMonth, daysOfMonth, endOfDayKst, firstDayOfNextMonth,
  firstDayOfQuarter, isIsoDate, isIsoMonth, isoDateSchema, kstDateOf, lastDayOfMonth, lastDayOfQuarter, maxDate, minDate,
  monthOf, previousMonth, quarterNumber, quarterOf, startOfDayKst,
} from '../../src/domain';

describe('dates (T1)', () => {
  test('T1: isIsoDate accepts real calendar dates only', () => {
    for (const d of ['2024-02-29', '2000-02-29', '2024-12-31', '0001-01-01', '9999-12-31']) expect(isIsoDate(d)).toBe(true);
    for (const d of ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-1-01', '2024-01-1', ' 2024-01-01',
      '2024-01-01T00:00', '20240101', '0000-01-01', '', 20240101, null, undefined]) {
      expect(isIsoDate(d)).toBe(false);
    }
    expect(isIsoMonth('2024-12')).toBe(true);
    expect(isIsoMonth('2024-13')).toBe(false);
    expect(isoDateSchema.safeParse('2024-02-30').success).toBe(false);
    expect(isoDateSchema.safeParse('2024-02-29').success).toBe(true);
  });

  test('T1: "within N days of D" is D + N, across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-01-15', 14)).toBe('2024-01-29');
    expect(addDays('2024-01-15', 21)).toBe('2024-02-05');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
    expect(addDays('2024-05-05', 0)).toBe('2024-05-05');
    expect(() => addDays('2024-02-30', 1)).toThrow(/T1/);
    expect(() => addDays('2024-02-01', 1.5)).toThrow(/T1/);
  });

  test('T1: "one month after" is the same day of the next month clamped to its last day', () => {
    expect(addMonthsClamped('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsClamped('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsClamped('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonthsClamped('2024-03-15', 1)).toBe('2024-04-15');
    expect(addMonthsClamped('2024-12-31', 1)).toBe('2025-01-31');
    expect(addMonthsClamped('2024-11-30', 3)).toBe('2025-02-28');
    expect(addMonthsClamped('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonthsClamped('2024-01-10', -1)).toBe('2023-12-10');
    expect(addMonthsClamped('2024-02-29', 12)).toBe('2025-02-28');
  });

  test('T1: month and quarter boundaries', () => {
    expect(lastDayOfMonth('2024-02-03')).toBe('2024-02-29');
    expect(lastDayOfMonth('2100-02-03')).toBe('2100-02-28');
    expect(lastDayOfMonth('2024-04-30')).toBe('2024-04-30');
    expect(firstDayOfNextMonth('2024-12-31')).toBe('2025-01-01');
    expect(firstDayOfNextMonth('2024-01-01')).toBe('2024-02-01');
    expect(lastDayOfQuarter('2024-01-01')).toBe('2024-03-31');
    expect(lastDayOfQuarter('2024-06-30')).toBe('2024-06-30');
    expect(lastDayOfQuarter('2024-07-01')).toBe('2024-09-30');
    expect(lastDayOfQuarter('2024-11-15')).toBe('2024-12-31');
    expect(firstDayOfQuarter('2024-11-15')).toBe('2024-10-01');
    expect(quarterOf('2024-03-31')).toBe('2024-Q1');
    expect(quarterOf('2024-04-01')).toBe('2024-Q2');
    expect(quarterNumber('2024-12-01')).toBe(4);
    expect(monthOf('2024-02-29')).toBe('2024-02');
    expect(previousMonth('2024-01')).toBe('2023-12');
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2023-02')).toBe(28);
    const feb = daysOfMonth('2024-02');
    expect(feb).toHaveLength(29);
    expect(feb[0]).toBe('2024-02-01');
    expect(feb[28]).toBe('2024-02-29');
    expect(() => daysOfMonth('2024-13')).toThrow(/T1/);
  });

  test('T1: daysBetween, compareDates, maxDate, minDate', () => {
    expect(daysBetween('2024-03-01', '2024-03-22')).toBe(21);
    expect(daysBetween('2024-03-22', '2024-03-01')).toBe(-21);
    expect(daysBetween('2024-02-01', '2024-03-01')).toBe(29);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
    expect(compareDates('2024-01-02', '2024-01-10')).toBe(-1);
    expect(compareDates('2024-01-10', '2024-01-10')).toBe(0);
    expect(compareDates('2025-01-01', '2024-12-31')).toBe(1);
    expect(['2024-03-01', '2023-12-31', '2024-01-15'].sort(compareDates)).toEqual(['2023-12-31', '2024-01-15', '2024-03-01']);
    expect(maxDate('2024-03-01', '2024-12-01', '2024-01-01')).toBe('2024-12-01');
    expect(minDate('2024-03-01', '2024-12-01', '2024-01-01')).toBe('2024-01-01');
    expect(maxDate('2024-03-01')).toBe('2024-03-01');
  });

  test('T1: day numbers agree with the calendar over 400 years (a full Gregorian cycle)', () => {
    // Walk day by day and check against Date.UTC (used in the test only).
    let d = '1900-01-01';
    let ms = Date.UTC(1900, 0, 1);
    for (let i = 0; i < 146097; i += 37) {
      const expected = new Date(ms).toISOString().slice(0, 10);
      expect(d).toBe(expected);
      d = addDays(d, 37);
      ms += 37 * 86_400_000;
    }
  });

  test('T1: Seoul calendar date of an instant (UTC+9, no DST), independent of the host zone', () => {
    expect(kstDateOf(Date.parse('2024-03-31T14:59:59.999Z'))).toBe('2024-03-31');
    expect(kstDateOf(Date.parse('2024-03-31T15:00:00.000Z'))).toBe('2024-04-01');
    expect(kstDateOf(Date.parse('2024-12-31T15:00:00Z'))).toBe('2025-01-01');
    expect(kstDateOf(Date.parse('1969-12-31T20:00:00Z'))).toBe('1970-01-01');
    expect(kstDateOf(Date.parse('1969-12-31T14:00:00Z'))).toBe('1969-12-31');
    // Summer: still +9 (Korea has no DST).
    expect(kstDateOf(Date.parse('2024-07-01T14:59:00Z'))).toBe('2024-07-01');
  });

  test('T1: a deadline lasts until 23:59:59.999 KST of its day', () => {
    expect(new Date(startOfDayKst('2024-04-15')).toISOString()).toBe('2024-04-14T15:00:00.000Z');
    expect(new Date(endOfDayKst('2024-04-15')).toISOString()).toBe('2024-04-15T14:59:59.999Z');
    expect(kstDateOf(endOfDayKst('2024-02-29'))).toBe('2024-02-29');
    expect(kstDateOf(endOfDayKst('2024-02-29') + 1)).toBe('2024-03-01');
    expect(kstDateOf(startOfDayKst('2024-02-29'))).toBe('2024-02-29');
    expect(kstDateOf(startOfDayKst('2024-02-29') - 1)).toBe('2024-02-28');
  });
});
