import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Response } from 'express';

/**
 * A4 documents are stored by content hash in a local folder (DOCUMENT_STORE_DIR): the same
 * file uploaded twice is stored once, and a stored file can never be silently replaced.
 */
export function documentStore(root: string) {
  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  return {
    /**
     * S5: an upload is written to a temporary file first and becomes the stored file only
     * when `keep()` is called, after the database row that names it is committed; `discard()`
     * removes the temporary file when anything before that failed. So a refused or failed
     * upload leaves nothing in the store, and no row ever names a file that is not there
     * for longer than the rename.
     */
    async stage(bytes: Uint8Array): Promise<{ sha256: string; keep(): Promise<void>; discard(): Promise<void> }> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const target = pathOf(sha256);
      await mkdir(dirname(target), { recursive: true });
      // Unique per attempt: two uploads of the same bytes at the same millisecond (parallel
      // applicants sending the same template) must not share, and lose, a temporary file.
      const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, bytes);
      return {
        sha256,
        keep: () => rename(tmp, target), // atomic: readers never see half a file
        discard: () => rm(tmp, { force: true }),
      };
    },
    /**
     * S5: stores `bytes` for the row `commitRow` writes (and commits): the file is kept only
     * once that succeeded, and nothing is left in the store when it failed. (The file is kept
     * by content hash: another row may already name the same file, so a failure removes only
     * this attempt's temporary file, never the stored one.)
     */
    async storeFor<T>(bytes: Uint8Array, commitRow: (sha256: string) => Promise<T>): Promise<T> {
      const staged = await this.stage(bytes);
      try {
        const result = await commitRow(staged.sha256);
        await staged.keep();
        return result;
      } catch (err) {
        await staged.discard();
        throw err;
      }
    },
    get: (sha256: string) => readFile(pathOf(sha256)),
    /** S3: a stored file as a download under its own name (callers have checked who may read it). */
    async send(res: Response, sha256: string, filename: string) {
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
      res.type('application/octet-stream').send(await readFile(pathOf(sha256)));
    },
  };
}
