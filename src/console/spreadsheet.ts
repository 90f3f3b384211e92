import ExcelJS from 'exceljs';
import type { Response } from 'express';

/**
 * H4: one table, written as XLSX (exceljs) or CSV. The CSV is UTF-8 with a byte-order mark
 * and CRLF line ends, so Excel opens Korean text correctly by double-click.
 */
export type Cell = string | number | boolean | null;

export interface Sheet {
  /** The worksheet's name (Excel allows 31 characters, no []:*?/\). */
  name: string;
  columns: Array<{ key: string; header: string; width?: number }>;
  rows: Array<Record<string, Cell>>;
}

export type SheetFormat = 'xlsx' | 'csv';

export async function toXlsx(sheet: Sheet): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'AI데이터센터 서비스';
  const ws = book.addWorksheet(sheet.name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c) => ({ key: c.key, header: c.header, width: c.width ?? Math.max(10, Math.min(40, c.header.length + 4)) }));
  ws.getRow(1).font = { bold: true };
  for (const r of sheet.rows) ws.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * A cell starting with = + - @ (or a tab/CR) would be read by a spreadsheet as a formula
 * (CSV injection); such text gets a leading apostrophe. Numbers are written as numbers.
 */
function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(sheet: Sheet): Buffer {
  const lines = [sheet.columns.map((c) => csvCell(c.header)).join(',')];
  for (const r of sheet.rows) lines.push(sheet.columns.map((c) => csvCell(r[c.key] ?? null)).join(','));
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}

export async function sendSheet(res: Response, sheet: Sheet, format: SheetFormat, basename: string) {
  const filename = `${basename}.${format}`;
  res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').send(toCsv(sheet));
  } else {
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(sheet));
  }
}
