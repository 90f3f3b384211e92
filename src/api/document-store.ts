import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Response } from 'express';

/**
 * A4 documents are stored by content hash in a local folder (DOCUMENT_STORE_DIR): the same
 * file uploaded twice is stored once, and a stored file can never be silently replaced.
 */
export function documentStore(root: string) {
  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256);
  return {
    async put(bytes: Uint8Array): Promise<string> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const target = pathOf(sha256);
      await mkdir(dirname(target), { recursive: true });
      // Unique per attempt: two uploads of the same bytes at the same millisecond (parallel
      // applicants sending the same template) must not share, and lose, a temporary file.
      const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, target); // atomic: readers never see half a file
      return sha256;
    },
    get: (sha256: string) => readFile(pathOf(sha256)),
    /** S3: a stored file as a download under its own name (callers have checked who may read it). */
    async send(res: Response, sha256: string, filename: string) {
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
      res.type('application/octet-stream').send(await readFile(pathOf(sha256)));
    },
  };
}
