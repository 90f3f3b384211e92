import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Issue 10, "one home for each thing": the layers only import downwards and nothing imports in
 * a circle. Read from the TypeScript sources (type-only imports count for circles too: a
 * circle of types is still two modules that cannot be understood apart).
 *
 * Layers, bottom up: domain (pure rules) and contracts (messages, request/view types, workflow
 * ids, search attributes, refusals; contracts import only domain) → workflows,
 * notices, db → activities → api, console → runtime, worker, scripts.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

interface Edge { to: string; typeOnly: boolean }

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

function resolve(from: string, spec: string, known: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => known.has(c));
}

function graph(): Map<string, Edge[]> {
  const files = sources(SRC);
  const known = new Set(files);
  const out = new Map<string, Edge[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const edges: Edge[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const to = resolve(file, m[2]!, known);
      if (to) edges.push({ to, typeOnly: Boolean(m[1]) });
    }
    out.set(file, edges);
  }
  return out;
}

const rel = (f: string) => path.relative(ROOT, f);
const layerOf = (f: string) => path.relative(SRC, f).split(path.sep)[0]!;

/** Strongly connected components with more than one module (Tarjan). */
function circles(g: Map<string, Edge[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const { to } of g.get(v) ?? []) {
      if (!idx.has(to)) { visit(to); low.set(v, Math.min(low.get(v)!, low.get(to)!)); }
      else if (on.has(to)) low.set(v, Math.min(low.get(v)!, idx.get(to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) { const w = stack.pop()!; on.delete(w); comp.push(w); if (w === v) break; }
      if (comp.length > 1) found.push(comp.map(rel).sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** What each layer may import (besides itself). Type-only imports of activities are how workflows name them. */
const MAY_IMPORT: Record<string, string[]> = {
  domain: [],
  contracts: ['domain'],
  workflows: ['domain', 'contracts', 'notices'],
  notices: ['domain', 'contracts'],
  db: ['domain', 'contracts'],
};

test('issue 10: no import circle in src/ (type-only imports included)', () => {
  expect(circles(graph())).toEqual([]);
});

test('issue 10: domain, contracts, workflows, notices and db never import from the layers above them (activities, api, console, runtime)', () => {
  const wrong: string[] = [];
  for (const [file, edges] of graph()) {
    const allowed = MAY_IMPORT[layerOf(file)];
    if (!allowed) continue;
    for (const { to, typeOnly } of edges) {
      const target = layerOf(to);
      if (target === layerOf(file) || allowed.includes(target)) continue;
      if (layerOf(file) === 'workflows' && target === 'activities' && typeOnly) continue;
      wrong.push(`${rel(file)} → ${rel(to)}`);
    }
  }
  expect(wrong).toEqual([]);
});

/**
 * Issue 10 item 2: message definitions, request/view types, search attributes and workflow ids
 * live in src/contracts. The only imports from src/workflows left above it are the workflow
 * functions the API starts (`client.workflow.start(callWorkflow, …)`), listed here by name.
 */
const WORKFLOW_STARTS: Record<string, string[]> = {
  'src/api/routes/applications.ts → src/workflows/application/index.ts': ['applicationWorkflow'],
  'src/api/routes/calls.ts → src/workflows/call.ts': ['callWorkflow'],
  'src/api/routes/calls.ts → src/workflows/survey.ts': ['surveyWorkflow'],
  'src/api/routes/batches.ts → src/workflows/evaluator-notices.ts': ['evaluatorsAssignedWorkflow'],
};

/** The names one file imports from the module `to` resolves to. */
function importedNames(file: string, to: string): string[] {
  const text = readFileSync(file, 'utf8');
  const known = new Set([to]);
  const names: string[] = [];
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"]/g)) {
    if (resolve(file, m[2]!, known) !== to) continue;
    names.push(...m[1]!.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim()).filter(Boolean));
  }
  return names.sort();
}

test('issue 10: activities, api and console import messages from src/contracts, never from src/workflows', () => {
  const wrong: string[] = [];
  for (const [file, edges] of graph()) {
    if (!['activities', 'api', 'console'].includes(layerOf(file))) continue;
    for (const { to, typeOnly } of edges) {
      if (layerOf(to) !== 'workflows') continue;
      const edge = `${rel(file)} → ${rel(to)}`;
      const allowed = WORKFLOW_STARTS[edge];
      const names = importedNames(file, to);
      if (allowed && !typeOnly && names.every((n) => allowed.includes(n))) continue;
      wrong.push(`${edge} (${names.join(', ')})`);
    }
  }
  expect(wrong).toEqual([]);
});

test('issue 10: the check can fail (a circle and an upward import are found in a made-up graph)', () => {
  const a = path.join(SRC, 'domain', 'a.ts');
  const b = path.join(SRC, 'domain', 'b.ts');
  const g = new Map<string, Edge[]>([[a, [{ to: b, typeOnly: true }]], [b, [{ to: a, typeOnly: false }]]]);
  expect(circles(g)).toEqual([[rel(a), rel(b)]]);
});

/**
 * Issue 10 ratchet: route files that hold no SQL (it lives in src/db, typed rows, functions taking
 * `sql`) and stay under 300 lines. A file cleaned of SQL joins this list; none leaves it.
 */
const SQL_FREE_ROUTES = [
  'api/routes/operation.ts',
  'api/routes/operation-support.ts',
  'api/routes/utilisation.ts',
  'api/routes/quarterly.ts',
  'api/routes/evaluation.ts',
  'api/routes/evaluation-support.ts',
  'api/routes/batches.ts',
  'api/routes/scores.ts',
];

/** A postgres.js tagged template: sql`…`, tx`…`, or with a row type, sql<Row[]>`…`. */
const SQL_TEMPLATE = /\b(?:sql|tx)(?:<[^`;]*?>)?`/;

test('issue 10: no SQL in these route files (sql`…` / tx`…` live in src/db)', () => {
  const found = SQL_FREE_ROUTES.filter((f) => SQL_TEMPLATE.test(readFileSync(path.join(SRC, f), 'utf8')));
  expect(found).toEqual([]);
  expect(SQL_TEMPLATE.test('await sql<Row[]>`select 1`')).toBe(true); // the check can fail
  expect(SQL_TEMPLATE.test('await tx`select 1`')).toBe(true);
});

test('issue 10: these route files stay under 300 lines', () => {
  const long = SQL_FREE_ROUTES.map((f) => ({ f, lines: readFileSync(path.join(SRC, f), 'utf8').split('\n').length })).filter((x) => x.lines > 300);
  expect(long).toEqual([]);
});
