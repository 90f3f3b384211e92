import type { Body, NoticeContext, Template } from './base';

/**
 * S6/A7: the links an applicant opens. Sent only to the one address they are for (never in
 * copy), since the link itself is the proof of reading that address.
 */
export const SIGNIN_TEMPLATES = {
  SIGN_IN_LINK: (c: NoticeContext): Body => ({
    subjectKo: '[AI데이터센터] 로그인 링크',
    subjectEn: 'Your sign-in link',
    ko: [
      '아래 링크를 열고 [로그인] 버튼을 누르면 이 주소가 실무자 또는 책임자로 등록된 모든 신청을 볼 수 있습니다.',
      String(c.data.link),
      `링크는 ${String(c.data.expiresAtKst)} (KST)까지 한 번만 사용할 수 있습니다.`,
      '직접 요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
    ],
    en: [
      'Open the link above and press "Sign in" to see every application where this address is the practitioner or PI.',
      `It works once, until ${String(c.data.expiresAtKst)} KST. If you did not ask for it, ignore this e-mail.`,
    ],
    rules: ['S6'],
  }),
  PRACTITIONER_CONFIRMATION: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 실무자 이메일 주소 확인 (${c.applicationId})`,
    subjectEn: 'Confirm the practitioner e-mail address',
    ko: [
      `「${c.projectTitle}」 신청의 실무자 이메일 주소로 이 주소가 입력되었습니다.`,
      '모든 안내와 결과가 이 주소로 발송되므로, 아래 링크를 열고 [확인] 버튼을 눌러 주소를 확인해 주십시오. 확인 후에 신청을 제출할 수 있습니다.',
      String(c.data.link),
      `링크는 ${String(c.data.expiresAtKst)} (KST)까지 한 번만 사용할 수 있으며, 새 링크는 신청 화면에서 다시 요청할 수 있습니다.`,
      '이 신청과 관계가 없으시면 이 메일을 무시하셔도 됩니다.',
    ],
    en: [
      `This address was given as the practitioner's for "${c.projectTitle}" (${c.applicationId}). Every notice and the result go to it,`,
      `so open the link and press "Confirm" before submitting. It works once, until ${String(c.data.expiresAtKst)} KST.`,
    ],
    rules: ['A7', 'S6'],
  }),
} satisfies Record<string, Template>;
