import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTestServer } from '../../scripts/tools';
import { SERVICES_ENV } from '../support/services';
import { bundleWorkflows } from './global-setup';

/**
 * Global setup of the fast workflow tier alone (`npm run test:fast`, jest.fast.config.js):
 * the time-skipping test server and the workflow bundle, nothing else. Under `npm test`
 * the full global setup provides the same two, and the fast tests run there too.
 */
export default async function fastSetup(): Promise<void> {
  const tempDir = mkdtempSync(path.join(tmpdir(), 'aidc-fast-'));
  const [testServerPath, bundle] = await Promise.all([ensureTestServer(), bundleWorkflows(tempDir)]);
  const file = path.join(tempDir, 'services.json');
  writeFileSync(file, JSON.stringify({ ...(testServerPath ? { testServerPath } : {}), ...bundle, tempDir }));
  process.env[SERVICES_ENV] = file;
  (globalThis as Record<string, unknown>).__AIDC_FAST_DIR__ = tempDir;
}

export async function fastTeardown(): Promise<void> {
  const dir = (globalThis as Record<string, unknown>).__AIDC_FAST_DIR__;
  if (typeof dir === 'string') rmSync(dir, { recursive: true, force: true });
}
