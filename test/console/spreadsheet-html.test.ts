import ExcelJS from 'exceljs';
import { html, trusted } from '../../src/console/html';
import { toCsv, toXlsx, type Sheet } from '../../src/console/spreadsheet';
import { urgencyOf } from '../../src/console/today';
import { addDays, AT_RISK_DAYS_BEFORE } from '../../src/domain';

/** H4: the console's one escaping helper, its table writers and the urgency of a work item. */
const sheet: Sheet = {
  name: '선정 결과',
  columns: [{ key: 'id', header: '신청번호 (id)' }, { key: 'title', header: '과제명' }, { key: 'total', header: '평점' }],
  rows: [
    { id: 'A', title: '한국어 "음성", 인식', total: 82.5 },
    { id: 'B', title: '=HYPERLINK("http://x")', total: null },
  ],
};

test('H4: every interpolated value is escaped unless it is markup the console made', () => {
  const name = '<script>alert("x")</script>&\'';
  expect(html`<p title="${name}">${name}</p>`.value).toBe(
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
  );
  expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${trusted('<hr>')}${null}${false}`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul><hr>');
});

test('H4: the CSV is UTF-8 with a BOM and CRLF, quotes what needs it and never lets a cell become a formula', () => {
  const bytes = toCsv(sheet);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.subarray(3).toString('utf8')).toBe(
    '신청번호 (id),과제명,평점\r\nA,"한국어 ""음성"", 인식",82.5\r\nB,"\'=HYPERLINK(""http://x"")",\r\n',
  );
});

test('H4: the XLSX reads back with exceljs: sheet name, headers, numbers as numbers', async () => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await toXlsx(sheet)) as never);
  const ws = book.worksheets[0]!;
  expect(ws.name).toBe('선정 결과');
  expect(ws.getRow(1).values).toEqual([undefined, '신청번호 (id)', '과제명', '평점']);
  expect(ws.getRow(2).getCell(3).value).toBe(82.5);
});

test('H4/N: a work item is overdue after its day, due today, soon within the 3-day warning, later after it', () => {
  const today = '2026-03-10';
  expect(urgencyOf(addDays(today, -1), today)).toBe('OVERDUE');
  expect(urgencyOf(today, today)).toBe('TODAY');
  expect(urgencyOf(addDays(today, AT_RISK_DAYS_BEFORE), today)).toBe('SOON');
  expect(urgencyOf(addDays(today, AT_RISK_DAYS_BEFORE + 1), today)).toBe('LATER');
  expect(urgencyOf(null, today)).toBe('WAITING');
});
