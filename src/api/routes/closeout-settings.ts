import {
  DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT,
  MISSING_REPORT_CONSEQUENCE_DEFAULT,
  type MissingReportConsequence,
} from '../../domain';

/**
 * R2/R5: the close-out settings of a call as its application workflows get them. A call
 * stored before a setting existed has none in its settings: the default applies.
 */
export function closeOutSettingsOf(settings: { dataSharingDecemberException?: boolean; missingReportConsequence?: MissingReportConsequence }) {
  return {
    dataSharingDecemberException: settings.dataSharingDecemberException ?? DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT,
    missingReportConsequence: settings.missingReportConsequence ?? MISSING_REPORT_CONSEQUENCE_DEFAULT,
  };
}
