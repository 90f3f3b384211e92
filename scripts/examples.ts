import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

/**
 * H1: writes examples/documents/: small but real files of the A4 kinds the README tour
 * uploads (a one-page PDF with a valid cross-reference table, an .xlsx written by exceljs).
 * Run once after a change: `npm run build && node dist/scripts/examples.js`; the files are committed.
 */
function minimalPdf(title: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
  ];
  const text = `BT /F1 18 Tf 72 770 Td (${title.replace(/[()\\]/g, '')}) Tj ET`;
  objects.push(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function main() {
  const dir = join(process.argv[2] ?? 'examples', 'documents');
  mkdirSync(dir, { recursive: true });
  const pdfs: Record<string, string> = {
    'application-plan.pdf': 'Application and plan (example)',
    'privacy-consent-pi.pdf': 'Privacy consent - principal investigator (example)',
    'privacy-consent-practitioner.pdf': 'Privacy consent - practitioner (example)',
    'data-definition.pdf': 'Data definition (example)',
    'business-registration.pdf': 'Business registration certificate (example)',
    'employment-certificate.pdf': 'Employment certificate (example)',
    'sme-certificate.pdf': 'SME certificate (example)',
  };
  for (const [name, title] of Object.entries(pdfs)) writeFileSync(join(dir, name), minimalPdf(title));
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('이용신청 요약서');
  sheet.addRows([
    ['항목', '내용'],
    ['과제명', '한국어 음성 인식 모델 학습'],
    ['자원', 'H100 1대 (전용)'],
    ['기간', '12개월'],
  ]);
  writeFileSync(join(dir, 'usage-summary.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
}

void main();
