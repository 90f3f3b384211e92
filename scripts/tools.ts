/**
 * Provisions the two Temporal executables this project runs locally, without relying on
 * a download from temporal.download (which machines behind a registry-only proxy cannot
 * reach):
 *
 * - the Temporal CLI (`temporal server start-dev`, the dev server for `npm start` and the
 *   integration tests), built from source with `go install` at a pinned version;
 * - the Java time-skipping test server (`io.temporal:temporal-test-server` from Maven
 *   Central) behind a small wrapper script, used by `TestWorkflowEnvironment.createTimeSkipping`.
 *
 * Lookup order for each: the environment variable (TEMPORAL_CLI_PATH /
 * TEMPORAL_TEST_SERVER_PATH), the cached copy under `<repo>/.tools/`, a build with the
 * local toolchain (Go / Java + Maven), and finally `undefined`, meaning "let the Temporal
 * SDK download its own binary" (callers then pass no `executable`).
 *
 * `node dist/scripts/tools.js` provisions both and prints their paths (`--server`: also the
 * Temporal server and its SQL tool, scripts/temporal-server-tools.ts).
 */
import { spawn } from 'node:child_process';
import {
  accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync,
  renameSync, rmSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { pidAlive } from '../src/runtime/processes';
import { ensureTemporalServer } from './temporal-server-tools';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEST_SERVER_VERSION = '1.31.0';
/** Matches the slf4j-api the test server depends on; only silences "no SLF4J providers". */
const SLF4J_VERSION = '1.7.36';

/** The repository root: the nearest directory above this file holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = parent;
  }
}

/** `<repo>/.tools`, or AIDC_TOOLS_DIR (e.g. a CI cache directory shared between clones). */
export function toolsDir(): string {
  return path.resolve(process.env.AIDC_TOOLS_DIR ?? path.join(repoRoot(), '.tools'));
}

export function cachedCliPath(): string {
  return path.join(toolsDir(), 'bin', 'temporal');
}

export function cachedTestServerPath(): string {
  return path.join(toolsDir(), 'test-server', 'temporal-test-server');
}

export function log(message: string): void {
  process.stderr.write(`[tools] ${message}\n`);
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First match of `name` on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function fromEnv(variable: string): string | undefined {
  const value = process.env[variable];
  if (!value) return undefined;
  const resolved = path.resolve(value);
  if (isExecutableFile(resolved)) return resolved;
  log(`${variable}=${value} is not an executable file; ignoring it.`);
  return undefined;
}

function elapsed(startMs: number): string {
  const s = Math.round((Date.now() - startMs) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Runs a build command, relaying its output line by line to stderr (prefixed) and
 * printing a heartbeat while it is silent, so a multi-minute first build never looks hung.
 */
export function runBuild(label: string, command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        log(`${label}: ${line}`);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const heartbeat = setInterval(() => log(`${label}: still building (${elapsed(started)} elapsed)...`), 30_000);
    child.on('error', (err) => {
      clearInterval(heartbeat);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) {
        log(`${label}: done in ${elapsed(started)}`);
        resolve();
      } else {
        reject(new Error(`${label} failed (${signal ?? `exit ${code}`}): ${command} ${args.join(' ')}\n${tail.join('\n')}`));
      }
    });
  });
}

/**
 * Serialises builds of one tool across processes (jest global setup and `npm start` may
 * both find the tool missing). Waits while a live process holds the lock; takes over a
 * lock left by a dead one.
 */
export async function withLock<T>(lockFile: string, what: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
      if (!Number.isFinite(holder) || !pidAlive(holder)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) {
        log(`waiting for another process (pid ${holder}) that is building ${what}...`);
        announced = true;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/**
 * Path of a Temporal CLI (`temporal`) able to run `server start-dev`, or undefined when
 * none is available and Go is not installed (the SDK then downloads one).
 */
export async function ensureTemporalCli(): Promise<string | undefined> {
  const env = fromEnv('TEMPORAL_CLI_PATH');
  if (env) return env;
  const cached = cachedCliPath();
  if (isExecutableFile(cached)) return cached;

  const go = which('go');
  if (!go) {
    log(
      `Temporal CLI not found (TEMPORAL_CLI_PATH unset, nothing in ${cached}) and Go is not installed to build it. ` +
        `Install Go >= 1.23 (https://go.dev/dl/) or the Temporal CLI (https://docs.temporal.io/cli#install) and set ` +
        `TEMPORAL_CLI_PATH; falling back to the Temporal SDK's own download.`,
    );
    return undefined;
  }
  return withLock(path.join(toolsDir(), '.temporal-cli.lock'), 'the Temporal CLI', async () => {
    if (isExecutableFile(cached)) return cached; // built by the process we waited for
    const binDir = path.dirname(cached);
    const stage = path.join(toolsDir(), `.build-cli-${process.pid}`);
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    mkdirSync(binDir, { recursive: true });
    log(`building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go} (first time only, takes several minutes)...`);
    try {
      await runBuild('go install temporal', go, [
        'install',
        `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      ], { env: { ...process.env, GOBIN: stage, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' } });
      renameSync(path.join(stage, 'temporal'), cached);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    log(`Temporal CLI ready: ${cached}`);
    return cached;
  });
}

function testServerPom(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/tools.ts: only used to copy the test server's runtime class path into lib/. -->
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.aidc</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>${TEST_SERVER_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * The SDK's core starts the test server as `<exe> <port> [...extraArgs]` (no
 * --enable-time-skipping: time skipping starts locked and the SDK unlocks it while it waits
 * on a workflow result), so the wrapper forwards its arguments untouched. `exec` keeps the
 * PID the SDK kills equal to the JVM's. C1-only JIT and the serial GC halve start-up time;
 * the SDK gives the server 5 s to answer.
 */
function testServerWrapper(): string {
  return `#!/bin/sh
# Generated by scripts/tools.ts: Temporal time-skipping test server ${TEST_SERVER_VERSION} (Java).
# Usage: temporal-test-server <port> [--enable-time-skipping]
DIR="$(cd "$(dirname "$0")" && pwd)"
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
exec "$JAVA" \${TEMPORAL_TEST_SERVER_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto} \\
  -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@"
`;
}

function testServerComplete(dir: string): boolean {
  const lib = path.join(dir, 'lib');
  if (!isExecutableFile(path.join(dir, 'temporal-test-server')) || !existsSync(lib)) return false;
  return readdirSync(lib).some((f) => f.startsWith(`temporal-test-server-${TEST_SERVER_VERSION}`));
}

/**
 * Path of an executable that starts the Temporal time-skipping test server, or undefined
 * when none is available and Java + Maven are not installed (the SDK then downloads one).
 */
export async function ensureTestServer(): Promise<string | undefined> {
  const env = fromEnv('TEMPORAL_TEST_SERVER_PATH');
  if (env) return env;
  const wrapper = cachedTestServerPath();
  const dir = path.dirname(wrapper);
  if (testServerComplete(dir)) return wrapper;

  const java = which('java');
  const mvn = which('mvn');
  if (!java || !mvn) {
    const missing = [!java && 'Java >= 11 (e.g. apt-get install openjdk-17-jre-headless)', !mvn && 'Maven (apt-get install maven)']
      .filter(Boolean)
      .join(' and ');
    log(
      `Temporal test server not found (TEMPORAL_TEST_SERVER_PATH unset, nothing in ${dir}) and ${missing} ` +
        `${!java && !mvn ? 'are' : 'is'} not installed to fetch it from Maven Central; ` +
        `falling back to the Temporal SDK's own download.`,
    );
    return undefined;
  }
  return withLock(path.join(toolsDir(), '.test-server.lock'), 'the test server', async () => {
    if (testServerComplete(dir)) return wrapper;
    mkdirSync(dir, { recursive: true });
    const stageLib = path.join(dir, `.lib-${process.pid}`);
    rmSync(stageLib, { recursive: true, force: true });
    writeFileSync(path.join(dir, 'pom.xml'), testServerPom());
    log(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven with ${mvn} (first time only)...`);
    try {
      await runBuild('mvn copy-dependencies', mvn, [
        '-B', '-q', '-Dstyle.color=never', '-f', path.join(dir, 'pom.xml'),
        'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${stageLib}`,
      ], { cwd: dir });
      rmSync(path.join(dir, 'lib'), { recursive: true, force: true });
      renameSync(stageLib, path.join(dir, 'lib'));
    } finally {
      rmSync(stageLib, { recursive: true, force: true });
    }
    writeFileSync(wrapper, testServerWrapper());
    chmodSync(wrapper, 0o755);
    log(`Temporal test server ready: ${wrapper}`);
    return wrapper;
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const cli = await ensureTemporalCli();
  const cliDone = Date.now();
  const testServer = await ensureTestServer();
  // The cluster's server is only built on request: the dev server covers `npm start` and `npm test`.
  const server = process.argv.includes('--server') ? await ensureTemporalServer() : undefined;
  process.stdout.write(
    `TEMPORAL_CLI_PATH=${cli ?? '(none: the SDK will download one)'}\n` +
      `TEMPORAL_TEST_SERVER_PATH=${testServer ?? '(none: the SDK will download one)'}\n` +
      (server ? `temporal-server=${server.server}\ntemporal-sql-tool=${server.sqlTool}\n` : ''),
  );
  log(`cli ${((cliDone - started) / 1000).toFixed(1)}s, test server ${((Date.now() - cliDone) / 1000).toFixed(1)}s`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
