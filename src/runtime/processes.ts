import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';

/** Whether a process exists (EPERM: it exists but belongs to another user, e.g. PostgreSQL run as `postgres`). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until the process is gone; false when it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !pidAlive(pid);
}

/** The last `bytes` of a log file ('' when there is none), to explain why a server did not start. */
export function tail(file: string, bytes = 4000): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** A local server process (dev server, Temporal cluster) in its own process group. */
export interface ServerProcess {
  pid: number;
  /** Why it exited, once it has ('exit code 1', 'SIGKILL'); undefined while it runs. */
  exited(): string | undefined;
  /** `signal`, then SIGKILL after 20 s; removes the pid file. Idempotent. */
  stop(): Promise<void>;
  /** Once ready: the parent may exit without waiting for it (its 'exit' hook still stops it). */
  unref(): void;
}

/**
 * Spawns `command` detached (a Ctrl-C in the terminal reaches only the parent, which stops
 * it in order), output appended to `logFile`, pid in `pidFile` for stopLeftoverServer. A
 * parent that dies without stop() still sends `signal` from its 'exit' hook.
 */
export function spawnServer(opts: { command: string; args: string[]; logFile: string; pidFile: string; signal: NodeJS.Signals }): ServerProcess {
  const logFd = openSync(opts.logFile, 'a');
  const child = spawn(opts.command, opts.args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${opts.command}`);
  writeFileSync(opts.pidFile, String(pid));
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  const onExit = () => {
    try {
      if (pidAlive(pid)) process.kill(pid, opts.signal);
    } catch {
      // gone already; other exit listeners must still run
    }
  };
  process.on('exit', onExit);
  let stopped: Promise<void> | undefined;
  return {
    pid,
    exited: () => exited,
    unref: () => child.unref(),
    stop: () =>
      (stopped ??= (async () => {
        process.removeListener('exit', onExit);
        if (pidAlive(pid)) {
          process.kill(pid, opts.signal);
          if (!(await waitForExit(pid, 20_000))) {
            process.kill(pid, 'SIGKILL');
            await waitForExit(pid, 5000);
          }
        }
        rmSync(opts.pidFile, { force: true });
      })()),
  };
}

/** A server of `pidFile` left running by an earlier process that died (only if its command line has `marker`). */
export async function stopLeftoverServer(pidFile: string, marker: string, signal: NodeJS.Signals, what: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  rmSync(pidFile, { force: true });
  if (!Number.isFinite(pid) || !pidAlive(pid)) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return;
  } catch {
    return;
  }
  process.stderr.write(`[temporal] stopping ${what} left running by an earlier start (pid ${pid})\n`);
  process.kill(pid, signal);
  if (!(await waitForExit(pid, 20_000))) process.kill(pid, 'SIGKILL');
}
