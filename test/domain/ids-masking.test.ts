import {
  applicationWorkflowId, callWorkflowId, formatKoreanPhone, isCallId, isKoreanPhone, maskEmail, maskName, maskPhone,
} from '../../src/domain';

describe('workflow ids (H2)', () => {
  test('H2: workflow ids are built from the call and application ids', () => {
    expect(callWorkflowId('2024-1')).toBe('call-2024-1');
    expect(applicationWorkflowId('2024-1', 'a1b2')).toBe('application-2024-1-a1b2');
  });

  test('C1: call ids are letters, digits and single dashes', () => {
    for (const id of ['2024-1', '2025-Q2-extra', 'pilot']) expect(isCallId(id)).toBe(true);
    for (const id of ['', '-2024', '2024-', '2024--1', '2024 1', '2024/1', '콜-1', 'a'.repeat(65), 12]) expect(isCallId(id)).toBe(false);
  });
});

describe('masking (S3)', () => {
  test('S3: e-mail keeps the first character and the domain', () => {
    expect(maskEmail('kim@example.com')).toBe('k***@example.com');
    expect(maskEmail('k@example.com')).toBe('k***@example.com');
    expect(maskEmail('first.last+tag@sub.example.co.kr')).toBe('f***@sub.example.co.kr');
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('')).toBe('***');
  });

  test('S3: phone hides the middle group, with or without hyphens', () => {
    expect(maskPhone('010-1234-5678')).toBe('010-****-5678');
    expect(maskPhone('01012345678')).toBe('010-****-5678');
    expect(maskPhone('02-123-4567')).toBe('02-***-4567');
    expect(maskPhone('062-610-3973')).toBe('062-***-3973');
    expect(maskPhone('+82 10 1234 5678')).toBe('****5678');
    expect(maskPhone('12')).toBe('****');
  });

  test('S3: names keep the first and last character', () => {
    expect(maskName('김철수')).toBe('김*수');
    expect(maskName('김철')).toBe('김*');
    expect(maskName('남궁민수')).toBe('남**수');
    expect(maskName('김')).toBe('*');
    expect(maskName(' 이영희 ')).toBe('이*희');
    expect(maskName('John Smith')).toBe('J********h');
  });

  test('S3: Korean phone numbers: mobile 010, Seoul 02, other areas 0XX, with or without hyphens', () => {
    for (const p of ['010-1234-5678', '01012345678', '02-123-4567', '02-1234-5678', '0212345678', '031-123-4567', '062-610-3973',
      '0626103973', '070-1234-5678']) {
      expect(isKoreanPhone(p)).toBe(true);
    }
    for (const p of ['010-123-5678', '010-1234-567', '011-123-4567', '02-12-4567', '1644-9426', '010-1234-56789', '+82-10-1234-5678',
      '010-12345678', 'abc', '', '099-123-4567']) {
      expect(isKoreanPhone(p)).toBe(false);
    }
    expect(formatKoreanPhone('01012345678')).toBe('010-1234-5678');
    expect(formatKoreanPhone('nope')).toBeNull();
  });
});
