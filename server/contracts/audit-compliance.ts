// The compliance rule of a clinical audit review: pure, with no zod and no Node imports, so the
// server (which decides) and the browser (which previews while the reviewer grades) share it.

export const AUDIT_SECTIONS = [
  'identification_contact',
  'chief_complaint',
  'protocol_red_flags',
  'disposition_override',
  'advice_safety_netting',
  'documentation',
] as const;
export type AuditSection = (typeof AUDIT_SECTIONS)[number];

/** Most serious first. */
export const DEVIATION_GRADES = ['critical', 'major', 'moderate', 'minor'] as const;
export type DeviationGrade = (typeof DEVIATION_GRADES)[number];

/** Best first. */
export const COMPLIANCE_LEVELS = ['high', 'partial', 'low', 'non_compliant'] as const;
export type ComplianceLevel = (typeof COMPLIANCE_LEVELS)[number];

/**
 * The centre's compliance bands (IAED accreditation): at most these shares of reviewed calls in a
 * month may be at each level below high.
 */
export const COMPLIANCE_BANDS: Readonly<Record<Exclude<ComplianceLevel, 'high'>, number>> = {
  partial: 0.1,
  low: 0.1,
  non_compliant: 0.07,
};

/**
 * The compliance level of one review from the grades of its deviations, checked top to bottom:
 *   non_compliant  any critical deviation, or 3 or more major ones;
 *   low            2 major, or 1 major with 2 or more moderate, or 4 or more moderate;
 *   partial        1 major, or 2 or more moderate, or 4 or more minor;
 *   high           otherwise (at most 1 moderate and at most 3 minor).
 * A critical deviation is one that could have harmed the patient (a red flag missed, a unit not
 * sent when needed); one alone makes the call non-compliant, as in IAED's scoring.
 */
export function complianceLevel(grades: readonly DeviationGrade[]): ComplianceLevel {
  const count = (grade: DeviationGrade) => grades.filter((g) => g === grade).length;
  const critical = count('critical');
  const major = count('major');
  const moderate = count('moderate');
  const minor = count('minor');
  if (critical > 0 || major >= 3) return 'non_compliant';
  if (major === 2 || (major === 1 && moderate >= 2) || moderate >= 4) return 'low';
  if (major === 1 || moderate >= 2 || minor >= 4) return 'partial';
  return 'high';
}
