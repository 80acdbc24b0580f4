import { z } from 'zod';
import { IsoDateTime, text } from './common.ts';
import { DISPATCH_REASONS, IntakeRequest, Outcome, REDIRECT_TARGETS, UNIT_LEVELS } from './tasks.ts';

export const OUTCOME_TYPES = ['dispatch_unit', 'phone_advice', 'redirect', 'cancelled'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];
export const REPORT_GROUP_BY = ['area', 'municipality', 'task_code'] as const;
export type ReportGroupBy = (typeof REPORT_GROUP_BY)[number];
/** Longest range one report covers (ten years), so a typo cannot ask for centuries. */
export const MAX_REPORT_MONTHS = 120;

export const YearMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A month as YYYY-MM')
  .refine((s) => s >= '2000-01', 'From 2000-01 on');

export const MonthlyReportQuery = z
  .strictObject({
    from: YearMonth.describe('First month (Europe/Helsinki), YYYY-MM'),
    to: YearMonth.describe('Last month, inclusive'),
    groupBy: z.enum(REPORT_GROUP_BY).optional().describe('Adds `groups` to every month: one per area, municipality or task code'),
    compare: z.literal('previous_year').optional().describe('Adds `previousYear`: the same counts for the same month a year earlier'),
    format: z.enum(['json', 'csv']).optional().describe('csv: the same table as text/csv (also chosen by `Accept: text/csv`)'),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'Must not be before from' })
  .meta({ id: 'MonthlyReportQuery' });
export type MonthlyReportQuery = z.output<typeof MonthlyReportQuery>;

/** A count, or the string "<N>" where the group is too small to show (see MonthlyReport). */
export const SuppressibleCount = z.union([z.number().int(), z.string().regex(/^<\d+$/)]);
export type SuppressibleCount = z.infer<typeof SuppressibleCount>;

const countsOf = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, SuppressibleCount])) as Record<K, typeof SuppressibleCount>);

/** The follow-up counts of a month (computed from the follow-up rows, see reports.repository). */
export const FOLLOW_UP_COUNTS = ['scheduled', 'done', 'worse', 'unreachable', 'overdue'] as const;
export type FollowUpCount = (typeof FOLLOW_UP_COUNTS)[number];

const Share = z.number().min(0).max(1).nullable();

export const ReportCounts = z
  .object({
    received: SuppressibleCount.describe('Tasks received in the month (D, and C in congestion mode; by intake time in Helsinki), open ones included'),
    closed: SuppressibleCount.describe('Tasks of the month that are closed, cancelled ones included'),
    avoided: SuppressibleCount.describe('Avoided unit dispatches: closed with phone advice, or a redirect whose referral was accepted (the one definition)'),
    avoidedShare: Share.describe('avoided / (closed - cancelled): of the tasks the centre decided, the share that needed no unit; null when none'),
    byOutcome: countsOf(OUTCOME_TYPES),
    redirectsByTarget: countsOf(REDIRECT_TARGETS),
    redirectsPending: SuppressibleCount.describe('Redirects whose referral the receiving service has not answered yet (not avoided)'),
    redirectsRejected: SuppressibleCount.describe('Redirects whose referral was rejected, timed out or was cancelled unanswered (not avoided; the task came back for a decision)'),
    referralAcceptanceRateByTarget: z
      .object(Object.fromEntries(REDIRECT_TARGETS.map((k) => [k, Share])) as Record<(typeof REDIRECT_TARGETS)[number], typeof Share>)
      .describe('Per target type: accepted / (accepted + rejected) of the answered referrals of current redirects; null when none answered'),
    referralMedianMinutesToAcceptanceByTarget: z
      .object(Object.fromEntries(REDIRECT_TARGETS.map((k) => [k, z.number().nullable()])) as Record<(typeof REDIRECT_TARGETS)[number], z.ZodNullable<z.ZodNumber>>)
      .describe('Per target type: median whole minutes from the referral to its acceptance, over accepted live referrals (imports carry no request time); null when none'),
    dispatchesByLevel: countsOf(UNIT_LEVELS),
    dispatchesByReason: countsOf(DISPATCH_REASONS),
    cancelled: SuppressibleCount.describe('Withdrawn by the ERC (equals byOutcome.cancelled)'),
    recontact24h: SuppressibleCount.describe('Avoided dispatches followed by a new task from the same callback number within (0, 24 h] of receivedAt'),
    recontact72h: SuppressibleCount.describe('The same within (0, 72 h] (includes recontact24h)'),
    recontact24hRate: Share.describe('recontact24h / avoided; null when nothing was avoided'),
    recontact72hRate: Share.describe('recontact72h / avoided'),
    followUps: countsOf(FOLLOW_UP_COUNTS).describe(
      'Follow-up calls of the month\'s tasks: scheduled (all), done (a result: stable, worse or unreachable), worse, unreachable, overdue (flagged to shift leaders)',
    ),
    medianMinutesToFirstCall: z
      .number()
      .nullable()
      .describe('Median of whole minutes (rounded down) from intake to the first call, over tasks with a call; null when none'),
  })
  .meta({ id: 'ReportCounts' });
export type ReportCounts = z.infer<typeof ReportCounts>;

export const ReportGroup = ReportCounts.extend({
  key: z.string().describe('Area name, municipality name or task code'),
  previousYear: ReportCounts.optional(),
}).meta({ id: 'ReportGroup' });
export type ReportGroup = z.infer<typeof ReportGroup>;

export const ReportMonth = ReportCounts.extend({
  month: z.string().describe('YYYY-MM, Europe/Helsinki'),
  previousYear: ReportCounts.optional().describe('The same month a year earlier (with compare=previous_year)'),
  groups: z.array(ReportGroup).optional().describe('With groupBy: every group that had a task in the month, by key'),
}).meta({ id: 'ReportMonth' });
export type ReportMonth = z.infer<typeof ReportMonth>;

export const MonthlyReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(REPORT_GROUP_BY).nullable(),
    minGroupSize: z.number().int().describe('Groups with fewer received tasks in a month show every count as "<minGroupSize>" and shares and the median as null. Month totals are never suppressed.'),
    generatedAt: IsoDateTime,
    months: z.array(ReportMonth),
  })
  .meta({ id: 'MonthlyReport', description: 'Aggregates only: no task, phone number or free text.' });
export type MonthlyReport = z.infer<typeof MonthlyReport>;

export const MonthlyReportCsv = z.string().meta({
  id: 'MonthlyReportCsv',
  description:
    'With format=csv or Accept: text/csv: text/csv; charset=utf-8 with a byte-order mark, ";" between fields and a decimal comma ' +
    '(what a Finnish-locale spreadsheet expects), CRLF line ends, a header row, one row per month and, when grouped, one more per group.',
});

// ---- Import of history -------------------------------------------------------------------------

export const IMPORT_MAX_ROWS = 5000;

const ImportCancelled = z.strictObject({ type: z.literal('cancelled'), reason: text(500).pipe(z.string().min(1)) });

export const ImportReferral = z
  .strictObject({ acceptedAt: IsoDateTime, acceptedBy: text(200).pipe(z.string().min(1)) })
  .meta({ id: 'ImportReferral', description: 'When and by whom the receiving service accepted an imported redirect' });

export const ImportTask = IntakeRequest.extend({
  urgency: z.literal('D', { error: 'Only D-class tasks are held by the situation centre' }),
  outcome: z.union([Outcome, ImportCancelled]),
  referral: ImportReferral.optional().describe('Only with a redirect; without it an imported redirect counts as accepted (history from before referrals)'),
  firstCallAt: IsoDateTime.optional().describe('When the first call to the patient was made; none for a task cancelled before a call'),
  closedAt: IsoDateTime,
})
  .superRefine((row, ctx) => {
    const received = Date.parse(row.receivedAt);
    if (row.firstCallAt !== undefined && Date.parse(row.firstCallAt) < received) {
      ctx.addIssue({ code: 'custom', path: ['firstCallAt'], message: 'Before receivedAt' });
    }
    if (row.referral !== undefined && row.outcome.type !== 'redirect') {
      ctx.addIssue({ code: 'custom', path: ['referral'], message: 'Only a redirect has a referral' });
    }
    if (row.referral !== undefined && Date.parse(row.referral.acceptedAt) < received) {
      ctx.addIssue({ code: 'custom', path: ['referral', 'acceptedAt'], message: 'Before receivedAt' });
    }
    if (Date.parse(row.closedAt) < Math.max(received, row.firstCallAt === undefined ? received : Date.parse(row.firstCallAt))) {
      ctx.addIssue({ code: 'custom', path: ['closedAt'], message: 'Before receivedAt or firstCallAt' });
    }
  })
  .meta({ id: 'ImportTask' });
export type ImportTask = z.output<typeof ImportTask>;

export const ImportRequest = z
  .strictObject({ tasks: z.array(ImportTask).min(1).max(IMPORT_MAX_ROWS) })
  .meta({ id: 'ImportRequest' });
export type ImportRequest = z.output<typeof ImportRequest>;

export const ImportResult = z
  .object({
    received: z.number().int(),
    created: z.number().int(),
    skipped: z.number().int().describe('Rows whose ercTaskId was already here with the same intake content'),
    redirectsAssumedAccepted: z.number().int().describe('New redirects imported without referral data: counted as accepted (history from before referrals existed)'),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;
