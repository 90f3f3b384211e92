// Lint catches the two mistakes that break Temporal code silently:
// floating promises (a lost activity or timer) and Node built-ins in workflow code
// (workflows run in a deterministic sandbox without I/O).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'fs/promises', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process',
  'dns', 'tls', 'stream', 'zlib', 'worker_threads', 'cluster', 'process', 'timers', 'url', 'util', 'events'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({
          name, message: 'Workflow code and pure rules must not import Node built-ins (determinism, no I/O).',
        })),
        patterns: [
          { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Workflows import activities as types only.' },
          { group: ['postgres', 'nodemailer', 'express', '@temporalio/client', '@temporalio/worker', '**/db', '**/db/**', '**/api/**'], message: 'No I/O in workflow code or pure rules.' },
        ],
      }],
    },
  },
);
