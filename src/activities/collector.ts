import { Context } from '@temporalio/activity';
import { pullUtilisation, type PullReport } from '../collector/pull';
import { addDays, type IsoDate } from '../domain';
import type { ActivityDeps } from './notify';

/** Heartbeats when run as an activity; a no-op when called directly (benches). */
function beat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // not inside an activity
  }
}

/** O4: the daily pull from Prometheus (the collector workflow, src/workflows/collector.ts). */
export function collectorActivities(deps: ActivityDeps) {
  return {
    /**
     * O4: fills every dedicated allocation's days up to `through` (yesterday in Seoul) that
     * still have no sample, looking PROMETHEUS_LOOKBACK_DAYS back. Idempotent: a re-run
     * queries only days still missing and writes nothing new. Without PROMETHEUS_URL it
     * reports `configured: false` and does nothing.
     */
    async pullUtilisationFromPrometheus(p: { through: IsoDate }): Promise<(PullReport & { configured: true }) | { configured: false }> {
      const settings = deps.collector;
      if (!settings) return { configured: false };
      const from = addDays(p.through, -(settings.lookbackDays - 1));
      return { configured: true, ...(await pullUtilisation(deps.sql, settings, { from, through: p.through }, beat)) };
    },
  };
}
