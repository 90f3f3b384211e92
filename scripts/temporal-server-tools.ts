/**
 * The Temporal server and its SQL schema tool for `npm run cluster` (src/runtime/temporal-cluster.ts),
 * provisioned like the CLI in scripts/tools.ts: cached in `.tools/` (AIDC_TOOLS_DIR), else
 * built with `go install` from the Go module proxy at a pinned version.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isExecutableFile, log, runBuild, toolsDir, which, withLock } from './tools';

/** The Temporal server (and its SQL schema tool) the cluster runs: the version docker-compose.yml pins. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** The Temporal server, its SQL schema tool and the PostgreSQL schema files they came with. */
export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** `<dir>/postgresql/v12/{temporal,visibility}/versioned`. */
  schemaDir: string;
}

export function cachedTemporalServer(): TemporalServerTools {
  const dir = path.join(toolsDir(), 'temporal-server');
  return {
    server: path.join(toolsDir(), 'bin', 'temporal-server'),
    sqlTool: path.join(toolsDir(), 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(dir, 'schema'),
  };
}

function temporalServerComplete(tools: TemporalServerTools): boolean {
  const stamp = path.join(path.dirname(tools.schemaDir), 'VERSION');
  return (
    isExecutableFile(tools.server) &&
    isExecutableFile(tools.sqlTool) &&
    existsSync(path.join(tools.schemaDir, 'postgresql', 'v12', 'visibility', 'versioned')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === TEMPORAL_SERVER_VERSION
  );
}

/**
 * The Temporal server (`go.temporal.io/server/cmd/server`) and its SQL schema tool
 * (`cmd/tools/sql`) at TEMPORAL_SERVER_VERSION, built from the Go module proxy like the CLI
 * (no docker image, no temporal.download), plus the PostgreSQL schema files from the same
 * module, copied next to them so a run never depends on the Go module cache. Undefined when
 * nothing is cached and Go is not installed: `npm run cluster` then says what to install.
 */
export async function ensureTemporalServer(): Promise<TemporalServerTools | undefined> {
  const tools = cachedTemporalServer();
  if (temporalServerComplete(tools)) return tools;
  const go = which('go');
  if (!go) {
    log(`Temporal server not found in ${path.dirname(tools.server)} and Go is not installed to build it; install Go >= 1.24.`);
    return undefined;
  }
  return withLock(path.join(toolsDir(), '.temporal-server.lock'), 'the Temporal server', async () => {
    if (temporalServerComplete(tools)) return tools;
    const stage = path.join(toolsDir(), `.build-server-${process.pid}`);
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    mkdirSync(path.dirname(tools.server), { recursive: true });
    const module = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
    log(`building Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool with ${go} (first time only, takes many minutes)...`);
    try {
      // One `go install` for both: they share almost every package, so the second is nearly free.
      await runBuild('go install temporal server', go, [
        'install',
        `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
        `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
      ], { env: { ...process.env, GOBIN: stage } });
      const modCache = execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
      const schemaSource = path.join(modCache, module, 'schema', 'postgresql', 'v12');
      const schemaTarget = path.join(tools.schemaDir, 'postgresql', 'v12');
      rmSync(tools.schemaDir, { recursive: true, force: true });
      mkdirSync(schemaTarget, { recursive: true });
      for (const part of ['temporal', 'visibility']) cpSync(path.join(schemaSource, part), path.join(schemaTarget, part), { recursive: true });
      // The module cache is read-only; the copies must stay deletable.
      execFileSync('chmod', ['-R', 'u+w', tools.schemaDir]);
      renameSync(path.join(stage, 'server'), tools.server);
      renameSync(path.join(stage, 'sql'), tools.sqlTool);
      writeFileSync(path.join(path.dirname(tools.schemaDir), 'VERSION'), `${TEMPORAL_SERVER_VERSION}\n`);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    log(`Temporal server ready: ${tools.server}`);
    return tools;
  });
}

