import { activityInfo, Context, heartbeat } from '@temporalio/activity';

/**
 * Issue 13 (batches at scale): telling thousands of member workflows a fact (V2 batch
 * assigned, V5 selection result) is a fan-out of signals through the client. One at a time
 * it runs at the round-trip rate; here `concurrency` signals are in flight at once, so the
 * rate is what the server takes. Progress is reported as the activity's heartbeat
 * (`{ done, total, cursor }`, `cursor` = the key of the last item of the longest finished
 * prefix, items being in key order): a retried attempt (worker killed, heartbeat timed
 * out) reads it and starts after `cursor`, so nothing up to it is sent twice; what was in
 * flight beyond it may be sent again, which every receiver treats as the same fact.
 */
export interface FanOutProgress {
  done: number;
  total: number;
  /** Every item with a key up to this one is sent (absent: none yet). */
  cursor?: string | number;
}

export interface FanOutOptions<T> {
  concurrency: number;
  send: (item: T) => Promise<void>;
  /** The item's key, in the order the items are given (a rank, an application id). */
  keyOf: (item: T) => string | number;
  /** What came before these items: done by earlier attempts, the whole count, their cursor. */
  base: FanOutProgress;
  /**
   * Called with the items of the finished prefix since the last call (e.g. to mark them in
   * the database), every `flushEvery` items (default: total / 50, at most 100) and once at
   * the end; the heartbeat that follows carries the new cursor.
   */
  flush?: (items: T[]) => Promise<void>;
  flushEvery?: number;
}

/** The progress a previous attempt of this activity reported, if any (none outside an activity). */
export function resumedProgress(): FanOutProgress | undefined {
  try {
    const d = activityInfo().heartbeatDetails as Partial<FanOutProgress> | undefined;
    return typeof d?.done === 'number' ? { done: d.done, total: d.total ?? 0, ...(d.cursor !== undefined ? { cursor: d.cursor } : {}) } : undefined;
  } catch {
    return undefined; // not inside an activity (a script or a test calling the function)
  }
}

function beat(p: FanOutProgress) {
  try {
    heartbeat(p);
  } catch {
    // not inside an activity: nothing to report to
  }
}

function cancelled(): Promise<never> | undefined {
  try {
    return Context.current().cancelled;
  } catch {
    return undefined;
  }
}

/**
 * Sends to every item with at most `concurrency` in flight; resolves with the final
 * progress. A failed send (or the activity's cancellation) stops the fan-out after the
 * finished prefix was flushed and reported, so the activity's retry resumes there.
 */
export async function fanOut<T>(items: readonly T[], opts: FanOutOptions<T>): Promise<FanOutProgress> {
  const total = items.length;
  // About 50 reports over the whole fan-out, at most every 100 items (the SDK throttles heartbeats anyway).
  const flushEvery = opts.flushEvery ?? Math.min(100, Math.max(1, Math.ceil(total / 50)));
  const finished = new Uint8Array(total);
  let through = 0; // items[0..through) are all sent
  let flushedThrough = 0;
  let next = 0;
  let failure: unknown;
  let flushing: Promise<void> = Promise.resolve();
  const progressAt = (n: number): FanOutProgress => ({
    done: opts.base.done + n,
    total: opts.base.total,
    ...(n > 0 ? { cursor: opts.keyOf(items[n - 1]!) } : opts.base.cursor !== undefined ? { cursor: opts.base.cursor } : {}),
  });

  const flush = (force: boolean) => {
    if (through === flushedThrough || (!force && through - flushedThrough < flushEvery)) return flushing;
    const from = flushedThrough;
    const to = through;
    flushedThrough = to;
    flushing = flushing.then(async () => {
      await opts.flush?.(items.slice(from, to));
      beat(progressAt(to));
    });
    return flushing;
  };

  cancelled()?.catch((err: unknown) => {
    failure ??= err;
  });

  const lane = async () => {
    while (failure === undefined && next < total) {
      const i = next++;
      try {
        await opts.send(items[i]!);
      } catch (err) {
        failure ??= err;
        return;
      }
      finished[i] = 1;
      while (through < total && finished[through]) through++;
      flush(false).catch((err: unknown) => {
        failure ??= err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, total)) }, lane));
  await flush(true);
  if (failure !== undefined) throw failure;
  return progressAt(through);
}
