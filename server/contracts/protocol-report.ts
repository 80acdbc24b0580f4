import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';
import { SuppressibleCount, YearMonth } from './reports.ts';

// The per-protocol monthly report (decision support): same month definition, suppression rule and
// CSV conventions as the monthly report.

export const ProtocolReportQuery = z
  .strictObject({
    from: YearMonth.describe('First month (Europe/Helsinki), YYYY-MM'),
    to: YearMonth.describe('Last month, inclusive'),
    format: z.enum(['json', 'csv']).optional().describe('csv: one row per month and protocol (also chosen by `Accept: text/csv`)'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'Must not be before from' })
  .meta({ id: 'ProtocolReportQuery' });
export type ProtocolReportQuery = z.output<typeof ProtocolReportQuery>;

const Share = z.number().min(0).max(1).nullable();
export const ProtocolReportGroup = z
  .object({
    protocolId: z.string(),
    taskCodes: z.array(z.string()),
    assessed: SuppressibleCount.describe('Closed tasks whose current outcome was checked against this protocol'),
    downgrades: SuppressibleCount.describe('Chosen less acute than recommended (by ladder order): each has an override reason'),
    upgrades: SuppressibleCount,
    downgradeRate: Share,
    upgradeRate: Share,
    overrideReasons: z.record(z.string(), SuppressibleCount),
    matrix: z.array(z.object({ recommended: z.string(), chosen: z.string().nullable(), tasks: z.number().int() })).describe('Recommended x chosen disposition; empty when suppressed'),
    adviceOutcomes: SuppressibleCount.describe('Phone advice and redirects'),
    adviceRecorded: SuppressibleCount.describe('... of them with the advice text recorded as given and understood'),
    adviceRecordedShare: Share,
  })
  .meta({ id: 'ProtocolReportGroup' });
export type ProtocolReportGroup = z.infer<typeof ProtocolReportGroup>;
export const NurseOverrideRate = z
  .object({
    nurseId: Uuid.nullable().describe('The account that recorded the outcomes; null for outcomes recorded before accounts were kept'),
    nurse: z.string().describe('Display name now (or as recorded)'),
    assessed: SuppressibleCount, downgrades: SuppressibleCount, downgradeRate: Share })
  .meta({ id: 'NurseOverrideRate' });
export const ProtocolReportMonth = z
  .object({
    month: z.string(),
    closed: z.number().int().describe('Closed tasks (not cancelled) received this month'),
    withoutProtocol: z.number().int().describe('... of them assessed without a protocol (a reason to audit them)'),
    protocols: z.array(ProtocolReportGroup),
    nurses: z.array(NurseOverrideRate).optional().describe('Per-nurse override rates: managers and the medical director only'),
  })
  .meta({ id: 'ProtocolReportMonth' });
export const ProtocolReport = z
  .object({ from: z.string(), to: z.string(), minGroupSize: z.number().int(), generatedAt: IsoDateTime, months: z.array(ProtocolReportMonth) })
  .meta({ id: 'ProtocolReport', description: 'Aggregates only: no task, phone number or free text. Same month definition and suppression rule as the monthly report.' });
export type ProtocolReport = z.infer<typeof ProtocolReport>;
export const ProtocolReportCsv = z.string().meta({ id: 'ProtocolReportCsv', description: 'text/csv: the monthly report\'s CSV conventions' });
