import { CATALOG, formatDayKo, formatDayEn, nextTrainingSession, QUARTERLY_DECISION_NAMES, RECLAIM_REASON_NAMES, type QuarterlyDecision, type ReclaimReason } from '../domain';
import { withJosa, type NoticeContext, type Template } from './base';

type Res = { type: string; units: number } | undefined;
const res = (r: unknown) => {
  const x = r as Res;
  return x ? `${x.type} × ${x.units}` : '-';
};
const pct = (v: unknown) => (typeof v === 'number' ? `${v}%` : '-');
const decisionName = (d: unknown) => QUARTERLY_DECISION_NAMES[d as QuarterlyDecision] ?? { ko: String(d), en: String(d) };
const reasonName = (r: unknown) => RECLAIM_REASON_NAMES[r as ReclaimReason] ?? { ko: String(r), en: String(r) };

/**
 * O3: the training material is the call's (its link and online sessions, POST /calls
 * `training`): the allocation names the material and the first session on or after the
 * allocation; a call without them says the technical desk announces them.
 */
function trainingLines(c: NoticeContext): { ko: string[]; en: string[] } {
  const t = c.training;
  const s = nextTrainingSession(t, String(c.data.allocatedOn ?? ''));
  return {
    ko: [
      t ? `사전교육 자료: ${t.materialUrl}` : '사전교육 자료와 일정은 기술지원 담당자가 별도로 안내합니다.',
      ...(t ? [s ? `온라인 사전교육: ${formatDayKo(s.on)} ${s.at} (KST)` : '온라인 사전교육 일정은 별도로 안내합니다.'] : []),
    ],
    en: [
      t ? `Pre-training material: ${t.materialUrl}` : 'The technical desk sends the pre-training material and dates.',
      ...(t ? [s ? `Online pre-training: ${formatDayEn(s.on)} ${s.at} KST` : 'The online pre-training date follows.'] : []),
    ],
  };
}

function environmentLines(pool: unknown): { ko: string; en: string } {
  const env = pool === 'SHARED' ? CATALOG.environments.SHARED : CATALOG.environments.DEDICATED;
  const sw = env.software.map((s) => `${s.name} ${s.version}`).join(', ');
  return { ko: `${env.nameKo}: ${sw}`, en: `${env.nameEn}: ${sw}` };
}

const ops = (c: NoticeContext) => c.applicationId ?? '';

/** N: the operation phase's notices (Korean first, then English). */
export const OPERATION_TEMPLATES = {
  /** O1/O2/O3: allocation with the setup end and the training material. */
  ALLOCATED: (c) => {
    const env = environmentLines(c.data.pool);
    const training = trainingLines(c);
    return {
      subjectKo: `[AI데이터센터] 자원 할당 안내 (환경 구축 기한 ${c.data.setupEnd})`,
      subjectEn: 'Resources allocated',
      ko: [
        `「${c.projectTitle}」에 ${res(c.data.resource)} 자원과 스토리지 ${c.data.storageTb}TB (백업 ${c.data.backupTb}TB${Number(c.data.extraStorageTb) > 0 ? `, 추가 ${c.data.extraStorageTb}TB 포함` : ''})가 ${c.data.allocatedOn}부터 할당되었습니다. 지원기간이 시작되었습니다.`,
        ...(Array.isArray(c.data.servers) && c.data.servers.length ? [`서버: ${c.data.servers.join(', ')}`] : []),
        '환경 구축 기간은 활용률에 반영되지 않습니다.',
        ...training.ko,
        `개발환경: ${env.ko}`,
      ],
      en: [
        `${res(c.data.resource)} and ${c.data.storageTb} TB storage (+${c.data.backupTb} TB backup) are allocated from ${c.data.allocatedOn}; support starts now.`,
        'The setup period is not counted in utilisation.',
        ...training.en,
        `Environment: ${env.en}.`,
      ],
      next: {
        ko: '환경을 구축하고, 마치면 "구축 완료"를 알려 주십시오.',
        en: 'Set up your environment and report "setup done" when you finish.',
        dueOn: String(c.data.setupEnd),
        dueKo: '환경 구축 기한',
        dueEn: 'Setup ends',
      },
      rules: ['O1', 'O2', 'O3'],
    };
  },

  /** O2/N: setup ending soon. */
  SETUP_ENDING: (c) => ({
    subjectKo: `[AI데이터센터] 환경 구축 기간 종료 예정 (${c.data.setupEnd})`,
    subjectEn: 'Setup period ends soon',
    ko: [`「${c.projectTitle}」의 환경 구축 기간이 곧 끝납니다. 이후의 가속기 활용률은 월별 자원관리에 반영됩니다.`],
    en: ['Your setup period ends soon; utilisation counts from the next day.'],
    next: { ko: '기한까지 환경 구축을 마쳐 주십시오.', en: 'Finish the setup by the deadline.', dueOn: String(c.data.setupEnd), dueKo: '환경 구축 기한', dueEn: 'Setup ends' },
    rules: ['O2', 'O4'],
  }),

  /** O4/I1/N: a LOW or NONE month. */
  UTILISATION_WARNING: (c) => {
    const verdict = c.data.verdict === 'NONE' ? '미사용' : '저조';
    return {
      subjectKo: `[AI데이터센터] ${c.data.month} 가속기 활용률 ${verdict} 안내`,
      subjectEn: `Utilisation warning for ${c.data.month}`,
      ko: [
        `「${c.projectTitle}」의 ${c.data.month} 평균 가속기 활용률은 ${pct(c.data.mean)}로, 기준(미사용 ${pct(c.data.nonePercent)} 미만, 저조 ${pct(c.data.lowPercent)} 미만)에 따라 ${withJosa(`'${verdict}'`, '으로/로')} 판정되었습니다.`,
        ...(c.data.flagged ? ['이에 따라 다음 분기 자원조정(차감·회수) 검토 대상으로 지정되었습니다.'] : []),
        ...(c.data.verdict === 'NONE' ? ['지난 한 달간 사용이 없거나 미미하면 즉시 지원 제외 대상이 될 수 있습니다.'] : []),
      ],
      en: [
        `Mean accelerator utilisation in ${c.data.month} was ${pct(c.data.mean)}: ${c.data.verdict} (none < ${pct(c.data.nonePercent)}, low < ${pct(c.data.lowPercent)}).`,
        ...(c.data.flagged ? ['The allocation is flagged for the next quarterly decision.'] : []),
      ],
      next: {
        ko: '할당된 자원을 계획대로 사용해 주십시오. 사용하지 못할 사정이 있으면 아래 담당자에게 알려 주십시오.',
        en: 'Please use the resources as planned; if you cannot, tell the desk below.',
      },
      rules: ['O4', 'I1', ...(c.data.flagged ? ['Q1'] : []), ...(c.data.verdict === 'NONE' ? ['O5'] : [])],
    };
  },

  /** O5 (operators): no or negligible usage during the last month. */
  EXCLUSION_CANDIDATE: (c) => ({
    subjectKo: `[AI데이터센터 운영] 지원 제외 후보 ${ops(c)} (${c.data.month} 미사용)`,
    subjectEn: `Exclusion candidate ${ops(c)}`,
    ko: [
      `신청 ${ops(c)}의 ${c.data.month} 평균 활용률이 ${pct(c.data.mean)}로 '미사용'입니다 (O5).`,
      '즉시 지원 제외 여부를 결정해 주십시오 (회수: POST /applications/:id/reclaim).',
    ],
    en: [`Application ${ops(c)}: ${c.data.month} mean utilisation ${pct(c.data.mean)} (NONE): a candidate for immediate exclusion (O5).`],
  }),

  /** O4 (operators): samples missing for a month, not judged as zero. */
  UTILISATION_MISSING: (c) => ({
    subjectKo: `[AI데이터센터 운영] 활용률 자료 누락 ${ops(c)} (${c.data.month})`,
    subjectEn: `Utilisation samples missing ${ops(c)}`,
    ko: [
      `신청 ${ops(c)}의 ${c.data.month} 활용률 자료가 없어 판정하지 못했습니다 (자료 없는 ${c.data.daysMissing}일은 0%로 보지 않음, O4).`,
      '수집기 또는 CSV 업로드를 확인해 주십시오.',
    ],
    en: [`No utilisation samples for ${ops(c)} in ${c.data.month} (${c.data.daysMissing} days): not judged (O4). Please check the collector.`],
  }),

  /** Q1/I2 (operators): a quarterly decision is due. */
  QUARTERLY_REVIEW_DUE: (c) => {
    const rec = c.data.recommendation as { decision: QuarterlyDecision; reason: string; flagged: boolean } | null;
    return {
      subjectKo: `[AI데이터센터 운영] 분기 자원조정 결정 요청 ${ops(c)} (${c.data.reviewDate})`,
      subjectEn: `Quarterly decision due ${ops(c)}`,
      ko: [
        `신청 ${ops(c)} (${res(c.data.resource)})의 분기 자원조정(증량/지속지원/차감/회수)을 ${c.data.dueOn}까지 결정해 주십시오 (Q1). 기한까지 결정이 없으면 지속지원됩니다 (I2).`,
        rec
          ? `권고: ${decisionName(rec.decision).ko} — ${rec.reason}${rec.flagged ? ' (활용률 저조 지정)' : ''}`
          : '공용풀: 활용률 기반 권고 없음 (I2).',
        ...(Array.isArray(c.data.verdicts) && c.data.verdicts.length ? [`월별 판정: ${(c.data.verdicts as string[]).join(', ')}`] : []),
      ],
      en: [
        `Decide by ${c.data.dueOn} (Q1): increase, continue, decrease or reclaim; without a decision it continues (I2).`,
        rec ? `Recommendation: ${decisionName(rec.decision).en} (${rec.reason}).` : 'Shared pool: no utilisation-based recommendation (I2).',
      ],
    };
  },

  /** I2 (operators): no decision in 14 days: it continues. */
  QUARTERLY_DECISION_OVERDUE: (c) => ({
    subjectKo: `[AI데이터센터 운영] 분기 결정 기한 경과 ${ops(c)} (${c.data.reviewDate}): 지속지원`,
    subjectEn: `Quarterly decision overdue ${ops(c)}: continued`,
    ko: [`신청 ${ops(c)}의 ${c.data.reviewDate} 분기 결정이 ${c.data.dueOn}까지 없어 지속지원으로 처리되었습니다 (I2).`],
    en: [`No decision for ${ops(c)} by ${c.data.dueOn}: the allocation continues (I2).`],
  }),

  /** Q1/N: the quarterly decision, to the applicant. */
  QUARTERLY_DECISION: (c) => {
    const d = decisionName(c.data.decision);
    return {
      subjectKo: `[AI데이터센터] 분기 자원조정 결과: ${d.ko} (${c.data.reviewDate})`,
      subjectEn: `Quarterly decision: ${d.en}`,
      ko: [
        `「${c.projectTitle}」의 ${c.data.reviewDate} 분기 자원조정 결과는 '${d.ko}'입니다${c.data.defaulted ? ' (기한 내 결정이 없어 지속지원)' : ''}.`,
        ...(c.data.to ? [`자원: ${res(c.data.from)} → ${res(c.data.to)}`] : [`자원: ${res(c.data.from)}`]),
        ...(c.data.note ? [`비고: ${String(c.data.note)}`] : []),
      ],
      en: [`Quarterly decision of ${c.data.reviewDate}: ${d.en}${c.data.to ? ` (${res(c.data.from)} → ${res(c.data.to)})` : ''}.`],
      next: c.data.decision === 'RECLAIM'
        ? { ko: '결과보고서와 데이터 공유 기한을 별도 메일로 알려드립니다.', en: 'The close-out deadlines follow in a separate e-mail.' }
        : { ko: '조정된 자원으로 계속 이용하시면 됩니다. 하실 일은 없습니다.', en: 'Carry on with the adjusted resources; nothing to do.' },
      rules: ['Q1', ...(c.data.defaulted ? ['I2'] : [])],
    };
  },

  /** Q2/Q3/N: reclamation with its reason (and the restriction, for misuse). */
  RECLAIMED: (c) => {
    const r = reasonName(c.data.reason);
    return {
      subjectKo: '[AI데이터센터] 자원 회수 안내',
      subjectEn: 'Resources reclaimed',
      ko: [
        `「${c.projectTitle}」에 할당된 자원이 ${c.data.endedOn}자로 회수되어 지원기간이 종료되었습니다.`,
        `사유: ${r.ko} — ${String(c.data.text)}`,
        ...(c.data.restricted ? ['목적 외 사용으로 귀 기관은 본 사업의 향후 이용이 제한됩니다.'] : []),
      ],
      en: [
        `Your resources were reclaimed on ${c.data.endedOn}; support has ended. Reason: ${r.en} — ${String(c.data.text)}.`,
        ...(c.data.restricted ? ['As this was misuse, your organisation is restricted from this service.'] : []),
      ],
      next: { ko: '결과보고서와 데이터 공유 기한을 별도 메일로 알려드립니다.', en: 'The result report and data-sharing deadlines follow in a separate e-mail.' },
      rules: ['Q2', ...(c.data.restricted ? ['Q3', 'E5'] : []), 'R1', 'R2'],
    };
  },

  /** V7 (operators): capacity freed, the first waitlisted application of the type can be allocated. */
  WAITLIST_OFFER: (c) => ({
    subjectKo: `[AI데이터센터 운영] 대기 신청 할당 가능 ${String(c.data.candidateId)} (${res(c.data.resource)})`,
    subjectEn: `Waitlisted application can be allocated: ${String(c.data.candidateId)}`,
    ko: [
      `신청 ${ops(c)}의 ${c.data.cause}로 ${c.data.type} 자원 ${c.data.free}개가 확보되었습니다 (V7).`,
      `대기 순번 ${c.data.rank ?? '-'}: ${String(c.data.candidateId)} 「${String(c.data.title)}」 (${String(c.data.organisationName)}), ${res(c.data.resource)}.`,
      `할당: POST /applications/${String(c.data.candidateId)}/allocation`,
    ],
    en: [
      `${c.data.free} ${c.data.type} freed by ${ops(c)} (${c.data.cause}); the first waitlisted application that fits is ${String(c.data.candidateId)} (rank ${c.data.rank ?? '-'}), V7.`,
    ],
  }),
} satisfies Record<string, Template>;
