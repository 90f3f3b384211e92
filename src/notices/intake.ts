import { formatDeadlineKo, formatInstantEn, formatInstantKo } from '../domain';
import { list, listEn, withJosa, type NoticeContext, type Template } from './base';

const title = (c: NoticeContext) => `「${c.projectTitle}」`;

/** N: intake's notices (receipt, supplement, ineligibility, batch, withdrawal, early close). */
export const INTAKE_TEMPLATES = {
  RECEIPT: (c) => ({
    subjectKo: `[AI데이터센터] 신청 접수 완료 (${c.applicationId})`,
    subjectEn: 'Application received',
    ko: [
      `${title(c)} 신청이 ${c.callTitle ?? c.callId} 공고에 접수되었습니다.`,
      `접수번호: ${c.applicationId}`,
      ...(c.submittedAt !== undefined ? [`접수 일시: ${formatInstantKo(c.submittedAt)}`] : []),
    ],
    en: [
      `Your application "${c.projectTitle}" (${c.applicationId}) was received${c.submittedAt !== undefined ? ` on ${formatInstantEn(c.submittedAt)}` : ''}.`,
    ],
    next: {
      ko: '제출 서류를 검토합니다. 지금 하실 일은 없으며, 보완이 필요하면 기한과 함께 메일로 알려드립니다.',
      en: 'We review the documents; nothing to do now. If anything is missing you get an e-mail with its deadline.',
    },
    rules: ['A6', 'N'],
  }),
  SUPPLEMENT_REQUEST: (c) => ({
    subjectKo: `[AI데이터센터] 서류 보완 요청 (기한 ${String(c.data.dueOn)})`,
    subjectEn: 'Documents to supplement',
    ko: [
      `${title(c)} 신청에 다음 서류의 보완이 필요합니다: ${list(c.data.missingDocuments)}.`,
      ...(c.data.note ? [`담당자 메모: ${String(c.data.note)}`] : []),
      '기한까지 보완되지 않으면 선정 대상에서 제외됩니다.',
    ],
    en: [`Documents to supplement: ${listEn(c.data.missingDocuments)}. Without them the application is excluded from selection.`],
    next: {
      ko: '아래 링크에서 해당 서류를 다시 올린 뒤 신청을 다시 제출해 주십시오.',
      en: 'Upload the documents at the link below, then resubmit the application.',
      dueOn: String(c.data.dueOn),
    },
    rules: ['I5', 'A5'],
  }),
  SUPPLEMENT_REMINDER: (c) => ({
    subjectKo: `[AI데이터센터] 서류 보완 기한 임박 (${String(c.data.dueOn)})`,
    subjectEn: 'Reminder: supplement due soon',
    ko: [`보완 서류(${list(c.data.missingDocuments)})가 아직 제출되지 않았습니다.`],
    en: [`Reminder: the documents (${listEn(c.data.missingDocuments)}) are still missing.`],
    next: {
      ko: '서류를 올린 뒤 신청을 다시 제출해 주십시오. 기한이 지나면 선정 대상에서 제외됩니다.',
      en: 'Upload them, then resubmit; after the deadline the application is excluded.',
      dueOn: String(c.data.dueOn),
    },
    rules: ['I5', 'A5'],
  }),
  INELIGIBLE: (c) => ({
    subjectKo: '[AI데이터센터] 신청 제외 안내',
    subjectEn: 'Application not eligible',
    ko: [
      `${title(c)} 신청은 다음 사유로 제외되었습니다.`,
      `사유: ${String(c.data.reason)}`,
      // E6: a false statement also restricts later applications until the agency lifts it.
      ...(c.data.restricted ? ['허위 기재로 확인되어 향후 이 서비스의 지원이 제한됩니다 (제한 해제 시까지).'] : []),
    ],
    en: [
      `The application was excluded: ${String(c.data.reason)}.`,
      ...(c.data.restricted ? ['As a false statement, it also restricts later applications of your organisation until the agency lifts it.'] : []),
    ],
    next: {
      ko: '이 신청으로 하실 일은 더 없습니다. 사유에 대한 문의는 아래 담당자에게 해 주십시오.',
      en: 'Nothing more to do for this application; ask the contact below about the reason.',
    },
    rules: [String(c.data.rule)],
  }),
  BATCH_ASSIGNED: (c) => ({
    subjectKo: `[AI데이터센터] 평가 차수 배정 (결과 안내 ${String(c.data.resultsBy)}까지)`,
    subjectEn: 'Evaluation batch assigned',
    ko: [`${title(c)} 신청이 평가 차수 ${c.data.batchId}(접수 마감 ${String(c.data.cutoff)})에 배정되어 평가위원회 평가를 받습니다.`],
    en: [`Your application joins evaluation batch ${c.data.batchId} (cutoff ${String(c.data.cutoff)}).`],
    next: {
      ko: '지금 하실 일은 없습니다. 평가 결과를 아래 기한까지 메일로 알려드립니다.',
      en: 'Nothing to do now; the result is e-mailed by the date below.',
      dueOn: String(c.data.resultsBy),
      dueKo: '결과 안내 기한',
      dueEn: 'Results by',
    },
    rules: ['V2'],
  }),
  WITHDRAWN: (c) => ({
    subjectKo: '[AI데이터센터] 신청 철회 확인',
    subjectEn: 'Application withdrawn',
    ko: [`${title(c)} 신청이 철회되었습니다${c.data.endedOn ? ` (지원 종료일 ${String(c.data.endedOn)})` : ''}.`],
    en: [`Your application was withdrawn${c.data.endedOn ? ` (support ended ${String(c.data.endedOn)})` : ''}.`],
    next: c.data.endedOn
      ? { ko: '결과보고서와 데이터 공유 기한을 별도 메일로 알려드립니다.', en: 'The result report and data-sharing deadlines follow in a separate e-mail.' }
      : { ko: '하실 일은 없습니다. 철회하지 않으셨다면 아래 담당자에게 바로 연락해 주십시오.', en: 'Nothing to do. If you did not withdraw it, contact the desk below at once.' },
    rules: ['A6'],
  }),
  /** C3: a draft must be submitted before the close; an application in progress just continues. */
  EARLY_CLOSE: (c) => {
    const closesOn = String(c.data.closesOn);
    const draft = c.status === 'DRAFT';
    return {
      subjectKo: `[AI데이터센터] 공고 조기 마감 안내 (${closesOn})`,
      subjectEn: 'The call closes early',
      ko: [`${withJosa(`${c.callTitle ?? c.callId} 공고`, '이/가')} ${formatDeadlineKo(closesOn)}에 조기 마감됩니다. 이후에는 새 신청이 접수되지 않습니다.`],
      en: [`The call ${c.callId} closes early: no application is received after the date below.`],
      next: draft
        ? { ko: `작성 중인 ${title(c)} 신청을 기한까지 제출해 주십시오.`, en: 'Submit your draft before the close.', dueOn: closesOn }
        : { ko: `이미 제출하신 ${title(c)} 신청은 그대로 진행됩니다. 하실 일은 없습니다.`, en: 'Your submitted application continues as before; nothing to do.' },
      rules: ['C3'],
    };
  },
} satisfies Record<string, Template>;
