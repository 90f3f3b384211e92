import type { DeadlineName } from '../domain';

/** H4: Korean first, English second, for the words the console shows. */
export const STATUS_LABELS: Record<string, [string, string]> = {
  DRAFT: ['작성 중', 'Draft'],
  UNDER_REVIEW: ['서류 검토', 'Under review'],
  SUPPLEMENT_REQUESTED: ['보완 요청', 'Supplement requested'],
  INELIGIBLE: ['부적격', 'Ineligible'],
  DOCUMENTS_COMPLETE: ['서류 완료', 'Documents complete'],
  IN_EVALUATION: ['평가 중', 'In evaluation'],
  SELECTED: ['선정', 'Selected'],
  WAITLISTED: ['예비(대기)', 'Waitlisted'],
  NOT_SELECTED: ['미선정', 'Not selected'],
  ALLOCATED: ['자원 할당(환경 설정)', 'Allocated (setup)'],
  IN_OPERATION: ['운영 중', 'In operation'],
  CLOSE_OUT: ['종료 정리', 'Close-out'],
  COMPLETED: ['완료', 'Completed'],
  WITHDRAWN: ['철회', 'Withdrawn'],
  RELEASED: ['선정 해제(미할당)', 'Released (not allocated)'],
};

export const DEADLINE_LABELS: Record<DeadlineName, [string, string]> = {
  supplementDue: ['보완 기한', 'Supplement due'],
  reviewDue: ['평가 기한', 'Review due'],
  notificationDue: ['결과 통보 기한', 'Notification due'],
  setupEnd: ['환경 설정 종료', 'Setup ends'],
  nextUtilisationCheck: ['다음 활용률 점검', 'Next utilisation check'],
  nextQuarterlyReview: ['다음 분기 검토', 'Next quarterly review'],
  supportEnd: ['지원 종료', 'Support ends'],
  reportDue: ['결과보고서 기한', 'Result report due'],
  dataSharingDue: ['데이터 공유 기한', 'Data sharing due'],
};

export const OUTCOME_LABELS: Record<string, [string, string]> = {
  SELECTED: ['선정', 'Selected'],
  WAITLISTED: ['예비(대기)', 'Waitlisted'],
  NOT_SELECTED: ['미선정', 'Not selected'],
};

export const label = (table: Record<string, [string, string]>, key: string) => table[key]?.[0] ?? key;
export const labelBoth = (table: Record<string, [string, string]>, key: string) =>
  table[key] ? `${table[key][0]} (${table[key][1]})` : key;

/**
 * V3: the seed's sub-items (세부항목) of each criterion, shown on the scoring sheet as
 * guidance. The criteria and their maxima are the domain's (CRITERIA); these lines only
 * help the evaluator read them.
 */
export const CRITERION_GUIDANCE: Record<string, string[]> = {
  policyAlignment: ['인공지능 집적단지 내 기업 기술이전, 개발모델 내역 공유 등의 실현 가능성 등'],
  projectExcellence: [
    '수행 과제내용의 우수성 및 구체성(개발방법, 과제 사이즈의 적정성 포함)',
    '월별 추진계획의 타당성 및 현실성',
  ],
  resourceFeasibility: [
    '고성능 컴퓨팅 클라우드 자원의 필요성 및 당위성',
    'AI제품 개발/데이터 확보 현황 및 실무 개발자의 역량 등에 따른 컴퓨팅 자원의 즉시 이용 가능성',
  ],
  targetOutcomes: ['목표성과에 대한 구체성 및 달성 가능성', '목표성과의 활용 계획(연구, 사업화 등)'],
};
