import type { IsoDate } from '../../domain';

/** R1–R5: the close-out as the status query shows it. */
export interface CloseOutView {
  reportDue: IsoDate;
  dataSharingDue: IsoDate;
}
