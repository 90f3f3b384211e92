import type { ApplicationContext } from './context';
import type { SupportEnd } from './operation-messages';

/** Close-out (R1–R6): report and data sharing after the end of support. */
export function closeOutPhase(ctx: ApplicationContext) {
  async function run(end: SupportEnd): Promise<void> {
    ctx.facts.endedOn = end.endedOn;
    ctx.facts.endRecordedOn = end.recordedOn;
    ctx.state.supportEnd = end;
    await ctx.transition('CLOSE_OUT', 'SUPPORT_ENDED', { ...end });
  }
  return { run };
}
