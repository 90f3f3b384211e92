import type { Sql } from '../db';
import { pullUtilisation } from '../collector/pull';
import { writeAudit } from '../db/audit';
import { recordAllocationServers, serverProblem } from '../db/inventory';
import type { AuditEntry } from '../contracts/audit';
import {
  DEFAULT_UTILISATION_THRESHOLDS,
  firstDayOfIsoMonth,
  inRankOrder,
  judgeMonth,
  lastDayOfIsoMonth,
  type AcceleratorType,
  type IsoDate,
  type IsoMonth,
  type MonthJudgement,
  type QuarterlyDecision,
  type QuarterlyRecommendation,
  type UtilisationThresholds,
  type UtilisationVerdict,
  waitlistTakes,
} from '../domain';
import { waitlistOf } from '../db/waitlist';
import { callRemainingCapacity, callRemainingExtraStorageTb } from './capacity';
import type { ActivityDeps } from './notify';

type Resource = { type: AcceleratorType; units: number };
/** `rule` K1: the server refused (inventory, overlap); otherwise K5 capacity. */
export type CapacityOutcome = { ok: true } | { ok: false; reason: string; rule?: 'K1' };

/**
 * K5: capacity changes of one call are serialised by a transaction-scoped advisory lock, so
 * two operators allocating the last server at the same moment cannot both get it. The
 * check excludes the application itself: what it already holds is given back first.
 */
export async function withCallCapacityLock<T>(sql: Sql, callId: string, f: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`K5:${callId}`}))`;
    return f(tx as unknown as Sql);
  }) as Promise<T>;
}

export async function capacityShortfall(tx: Sql, callId: string, applicationId: string, want: Resource, extraStorageTb = 0) {
  const left = await callRemainingCapacity(tx, callId, applicationId);
  if (left[want.type] < want.units) return `K5: no ${want.type} capacity left (${Math.max(0, left[want.type])} free, ${want.units} needed)`;
  if (extraStorageTb > 0) {
    const storage = await callRemainingExtraStorageTb(tx, callId, applicationId);
    if (storage < extraStorageTb) return `K5: only ${Math.max(0, storage)} TB of extra storage left (${extraStorageTb} TB asked)`;
  }
  return undefined;
}

/**
 * V7: a waitlisted application is allocated only if the capacity free reaches it in the
 * waitlist's order (V5/V6/I6 across batches): the ones ahead of it that fit take it first.
 */
async function waitlistedBehind(tx: Sql, callId: string, applicationId: string): Promise<string | undefined> {
  const free = await callRemainingCapacity(tx, callId, applicationId);
  const waitlist = inRankOrder(await waitlistOf(tx, callId));
  if (waitlistTakes(waitlist, free).some((w) => w.applicationId === applicationId)) return undefined;
  const place = waitlist.findIndex((w) => w.applicationId === applicationId);
  const ahead = waitlist.slice(0, Math.max(0, place)).map((w) => w.applicationId);
  return `K5/V7: the free capacity goes first to the waitlisted application(s) ahead of it (${ahead.join(', ')})`;
}

/** O4/O5/I1: one month of one allocation judged from its samples with the call's thresholds (never from history). */
async function judgeFromSamples(sql: Sql, j: { applicationId: string; month: IsoMonth; countFrom: IsoDate; until: IsoDate }) {
  const [call] = await sql<Array<{ settings: { utilisationNonePercent?: number; utilisationLowPercent?: number } }>>`
    select c.settings from calls c join applications a on a.call_id = c.id where a.id = ${j.applicationId}`;
  const thresholds: UtilisationThresholds = {
    nonePercent: call?.settings.utilisationNonePercent ?? DEFAULT_UTILISATION_THRESHOLDS.nonePercent,
    lowPercent: call?.settings.utilisationLowPercent ?? DEFAULT_UTILISATION_THRESHOLDS.lowPercent,
  };
  const samples = await sql<Array<{ day: string; meanPercent: number }>>`
    select day, mean_percent::float8 as "meanPercent" from utilisation_samples
    where application_id = ${j.applicationId}
      and day between ${firstDayOfIsoMonth(j.month)}::date and ${lastDayOfIsoMonth(j.month)}::date`;
  return { judgement: judgeMonth({ month: j.month, samples, countFrom: j.countFrom, until: j.until, thresholds }), thresholds };
}

/** Activities of the operation phase (idempotent: Temporal may run any of them again). */
export function operationActivities(deps: ActivityDeps) {
  const { sql } = deps;
  return {
    /**
     * O1/K5: the allocation takes (or confirms) the granted resource and starts support.
     * Writing status ALLOCATED here, inside the lock, makes a waitlisted application hold
     * its resource at the moment the capacity check passed.
     */
    async holdAllocation(a: {
      applicationId: string;
      callId: string;
      resource: Resource;
      extraStorageTb: number;
      allocatedOn: IsoDate;
      /** K1: the servers named (histories from before the inventory have none). */
      servers?: string[];
    }): Promise<CapacityOutcome> {
      return withCallCapacityLock(sql, a.callId, async (tx) => {
        const [row] = await tx<Array<{ allocated_on: string | null; status: string; support_ends_on: string }>>`
          select a.allocated_on, a.status, c.support_ends_on from applications a join calls c on c.id = a.call_id where a.id = ${a.applicationId}`;
        if (!row?.allocated_on) {
          const short = await capacityShortfall(tx, a.callId, a.applicationId, a.resource, a.extraStorageTb);
          if (short) return { ok: false, reason: short };
          if (row?.status === 'WAITLISTED') {
            const behind = await waitlistedBehind(tx, a.callId, a.applicationId);
            if (behind) return { ok: false, reason: behind };
          }
          // K1: a server of the inventory, not in another allocation of an overlapping period.
          const server = await serverProblem(tx, {
            applicationId: a.applicationId, callId: a.callId, type: a.resource.type, servers: a.servers,
            startsOn: a.allocatedOn, endsOn: row?.support_ends_on ?? a.allocatedOn,
          });
          if (server) return { ok: false, reason: server, rule: 'K1' };
          if (a.servers?.length) await recordAllocationServers(tx, { applicationId: a.applicationId, callId: a.callId, servers: a.servers, startsOn: a.allocatedOn });
        }
        await tx`
          update applications set granted_type = ${a.resource.type}, granted_units = ${a.resource.units},
            granted_extra_storage_tb = ${a.extraStorageTb}, allocated_on = coalesce(allocated_on, ${a.allocatedOn}::date),
            status = 'ALLOCATED', updated_at = now()
          where id = ${a.applicationId}`;
        return { ok: true };
      });
    },

    /** Q1/K5: a quarterly increase or decrease moves the granted resource within the call's capacity. */
    async changeGrantedResource(c: { applicationId: string; callId: string; from: Resource; to: Resource }): Promise<CapacityOutcome> {
      return withCallCapacityLock(sql, c.callId, async (tx) => {
        const [row] = await tx<Array<{ granted_type: AcceleratorType; granted_units: number }>>`
          select granted_type, granted_units from applications where id = ${c.applicationId}`;
        // A retry after the change was written finds it done.
        if (row && row.granted_type === c.to.type && row.granted_units === c.to.units) return { ok: true };
        const short = await capacityShortfall(tx, c.callId, c.applicationId, c.to);
        if (short) return { ok: false, reason: short };
        await tx`update applications set granted_type = ${c.to.type}, granted_units = ${c.to.units}, updated_at = now()
                 where id = ${c.applicationId}`;
        return { ok: true };
      });
    },

    /**
     * O4/I1: judges one month of one dedicated allocation from the samples in PostgreSQL
     * (never from workflow history), with the call's thresholds, and keeps the judgement.
     */
    async judgeUtilisationMonth(j: {
      applicationId: string;
      month: IsoMonth;
      countFrom: IsoDate;
      until: IsoDate;
      checkedOn: IsoDate;
    }): Promise<MonthJudgement & { thresholds: UtilisationThresholds }> {
      let { judgement, thresholds } = await judgeFromSamples(sql, j);
      // O4: with Prometheus configured, a month with counted days still without a sample is
      // pulled first: the check runs at 00:00 KST on the 1st, before any daily pull could
      // have fetched the month's last day. A Prometheus outage fails (and retries) the check
      // rather than judging, and warning, on days it could not read.
      if (deps.collector && judgement.daysMissing > 0) {
        await pullUtilisation(sql, deps.collector, {
          from: firstDayOfIsoMonth(j.month), through: lastDayOfIsoMonth(j.month), applicationId: j.applicationId,
        });
        ({ judgement, thresholds } = await judgeFromSamples(sql, j));
      }
      await sql`
        insert into utilisation_months (application_id, month, verdict, mean_percent, days_counted, days_missing, judged_on)
        values (${j.applicationId}, ${j.month}, ${judgement.verdict}, ${judgement.mean}, ${judgement.daysCounted},
                ${judgement.daysMissing}, ${j.checkedOn})
        on conflict (application_id, month) do update set verdict = excluded.verdict, mean_percent = excluded.mean_percent,
          days_counted = excluded.days_counted, days_missing = excluded.days_missing, judged_on = excluded.judged_on`;
      return { ...judgement, thresholds };
    },

    /**
     * O5/K2: a shared-pool month judged from the pool's own samples (where they are pushed),
     * only to find no or negligible usage (an exclusion candidate): nothing is stored, there is
     * no monthly resource management of the shared pool and no applicant warning.
     */
    async sharedPoolUsage(j: { applicationId: string; month: IsoMonth; countFrom: IsoDate; until: IsoDate }): Promise<MonthJudgement> {
      return (await judgeFromSamples(sql, j)).judgement;
    },

    /** Q1/I2: the review row operators list and decide from. */
    async openQuarterlyReview(r: {
      applicationId: string;
      callId: string;
      reviewDate: IsoDate;
      dueOn: IsoDate;
      resource: Resource;
      recommendation: QuarterlyRecommendation | null;
      verdicts: UtilisationVerdict[];
    }): Promise<void> {
      await sql`
        insert into quarterly_reviews (application_id, call_id, review_date, due_on, resource, recommendation, verdicts)
        values (${r.applicationId}, ${r.callId}, ${r.reviewDate}, ${r.dueOn}, ${sql.json(r.resource)},
                ${r.recommendation ? sql.json(r.recommendation as never) : null}, ${sql.json(r.verdicts)})
        on conflict (application_id, review_date) do nothing`;
    },

    async recordQuarterlyDecision(d: {
      applicationId: string;
      reviewDate: IsoDate;
      decision: QuarterlyDecision;
      decidedBy: string;
      decidedOn: IsoDate;
      defaulted: boolean;
      to?: Resource;
      note?: string;
      /** S4: the operator's audit entry, in the same transaction as the decision; once per key. */
      audit?: AuditEntry;
    }): Promise<void> {
      await sql.begin(async (tx) => {
        await tx`
          update quarterly_reviews set decision = ${d.decision}, decided_by = ${d.decidedBy}, decided_on = ${d.decidedOn},
            defaulted = ${d.defaulted}, new_resource = ${d.to ? tx.json(d.to) : null}, note = ${d.note ?? null}
          where application_id = ${d.applicationId} and review_date = ${d.reviewDate} and decision is null`;
        if (d.audit) await writeAudit(tx as never, d.audit);
        if (d.defaulted) {
          // S4: a decision the process took by itself (I2) is audited like an operator's.
          await tx`
            insert into audit_log (actor, action, subject, detail)
            select 'system:I2', 'application.quarterly-decision', ${`application:${d.applicationId}`},
                   ${tx.json({ decision: d.decision, reviewDate: d.reviewDate, defaulted: true })}
            where not exists (select 1 from audit_log where actor = 'system:I2' and subject = ${`application:${d.applicationId}`}
                                and detail->>'reviewDate' = ${d.reviewDate})`;
        }
      });
    },

    /**
     * Q2/O1: support ended early (reclaim, withdrawal after allocation): from now on the
     * application holds no capacity (K5), so freed capacity can be offered at once (V7).
     */
    async endSupportEarly(e: { applicationId: string; endedOn: IsoDate; audit?: AuditEntry }): Promise<void> {
      await sql.begin(async (tx) => {
        await tx`update applications set support_ended_on = coalesce(support_ended_on, ${e.endedOn}::date), updated_at = now()
                  where id = ${e.applicationId}`;
        if (e.audit) await writeAudit(tx as never, e.audit); // S4: the reclaim's audit row, with the support end
      });
    },

    /**
     * V7: capacity of `type` was freed: the first waitlisted application of that type in the
     * call's waitlist order (V5/V6/I6 across batches, not a batch's own rank) that fits what
     * is free. `exceptApplicationId` is the application giving the resource back, whose row
     * may still show a holding status. `rank` is the candidate's place on the waitlist.
     */
    async findWaitlistOffer(f: { callId: string; type: AcceleratorType; exceptApplicationId?: string }): Promise<{
      applicationId: string;
      title: string;
      organisationName: string;
      rank: number | null;
      resource: Resource;
      free: number;
    } | null> {
      const left = await callRemainingCapacity(sql, f.callId, f.exceptApplicationId);
      const free = left[f.type];
      if (free <= 0) return null;
      const waitlist = inRankOrder(await waitlistOf(sql, f.callId));
      const w = waitlistTakes(waitlist, left).find((x) => x.resource.type === f.type);
      if (!w) return null;
      return {
        applicationId: w.applicationId,
        title: w.title,
        organisationName: w.organisationName,
        rank: waitlist.indexOf(w) + 1,
        resource: w.resource,
        free,
      };
    },
  };
}
