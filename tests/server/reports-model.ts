// An independent model of the monthly report for tests: computed in plain JS from the tasks the
// test created (months through Intl, re-contacts by brute force over all pairs), never through the
// server's SQL or aggregation code.

export const MUNICIPALITY_AREA: Record<string, string> = {
  Kempele: 'Lakeus',
  Hailuoto: 'Lakeus',
  Oulu: 'Oulu',
  Raahe: 'Rannikkoseutu',
  Kuusamo: 'Koillismaa',
  Ii: 'Oulunkaari',
};

export type ModelOutcome =
  | { type: 'dispatch_unit'; unitLevel: string; reason: string }
  | { type: 'phone_advice' }
  /** referral: how the reports class the redirect's referral (history imports are accepted). */
  | { type: 'redirect'; target: string; referral: 'pending' | 'accepted' | 'rejected'; acceptMinutes?: number }
  | { type: 'cancelled' };

export interface ModelTask {
  ercTaskId: string;
  receivedAt: string;
  /** normalised, +358... */
  phone: string;
  municipality: string;
  taskCode: string;
  outcome: ModelOutcome | null;
  firstCallAt: string | null;
}

const OUTCOMES = ['dispatch_unit', 'phone_advice', 'redirect', 'cancelled'] as const;
const TARGETS = ['home_care', 'home_hospital', 'social_emergency', 'social_services', 'mental_health_substance', 'health_centre', 'other'];
const LEVELS = ['ALS', 'BLS', 'first_response'];
const REASONS = ['unreachable', 'clinical_need', 'red_flag', 'no_suitable_alternative', 'patient_request', 'other', 'deteriorated_at_follow_up', 'field_commander'];
const HOUR = 3_600_000;

const monthFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' });
/** The Helsinki calendar month of an instant, YYYY-MM. */
export function helsinkiMonth(iso: string): string {
  const parts = monthFormat.formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}`;
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const name = `${y}-${String(m).padStart(2, '0')}`;
    if (name > to) return out;
    out.push(name);
    m += 1;
    if (m === 13) {
      m = 1;
      y += 1;
    }
  }
}

export function shiftYear(month: string, years: number): string {
  const [y, m] = month.split('-');
  return `${Number(y) + years}-${m}`;
}

// The definition since referrals: a redirect counts only once its referral was accepted.
const avoided = (t: ModelTask) => t.outcome?.type === 'phone_advice' || (t.outcome?.type === 'redirect' && t.outcome.referral === 'accepted');
const referralIs = (t: ModelTask, state: string, target?: string) =>
  t.outcome?.type === 'redirect' && t.outcome.referral === state && (target === undefined || t.outcome.target === target);

/** Hours to the first later task (same phone) or Infinity, by looking at every other task. */
function hoursToNextContact(t: ModelTask, all: readonly ModelTask[]): number {
  let best = Infinity;
  const at = Date.parse(t.receivedAt);
  for (const other of all) {
    if (other === t || other.phone !== t.phone) continue;
    const diff = (Date.parse(other.receivedAt) - at) / HOUR;
    if (diff > 0 && diff < best) best = diff;
  }
  return best;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type Counts = Record<string, unknown>;

function counts(tasks: readonly ModelTask[], all: readonly ModelTask[], suppress: string | null): Counts {
  const by = (pred: (t: ModelTask) => boolean) => tasks.filter(pred).length;
  const c = (n: number) => suppress ?? n;
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, c(by((t) => t.outcome?.type === o))]));
  const closed = by((t) => t.outcome !== null);
  const cancelled = by((t) => t.outcome?.type === 'cancelled');
  const avoidedTasks = tasks.filter(avoided);
  const r24 = avoidedTasks.filter((t) => hoursToNextContact(t, all) <= 24).length;
  const r72 = avoidedTasks.filter((t) => hoursToNextContact(t, all) <= 72).length;
  const waits = tasks
    .filter((t) => t.firstCallAt !== null)
    .map((t) => Math.max(0, Math.floor((Date.parse(t.firstCallAt!) - Date.parse(t.receivedAt)) / 60_000)));
  return {
    received: c(tasks.length),
    closed: c(closed),
    avoided: c(avoidedTasks.length),
    avoidedShare: suppress || closed - cancelled === 0 ? null : round4(avoidedTasks.length / (closed - cancelled)),
    byOutcome,
    redirectsByTarget: Object.fromEntries(TARGETS.map((x) => [x, c(by((t) => t.outcome?.type === 'redirect' && t.outcome.target === x))])),
    dispatchesByLevel: Object.fromEntries(LEVELS.map((x) => [x, c(by((t) => t.outcome?.type === 'dispatch_unit' && t.outcome.unitLevel === x))])),
    dispatchesByReason: Object.fromEntries(REASONS.map((x) => [x, c(by((t) => t.outcome?.type === 'dispatch_unit' && t.outcome.reason === x))])),
    redirectsPending: c(by((t) => referralIs(t, 'pending'))),
    redirectsRejected: c(by((t) => referralIs(t, 'rejected'))),
    referralAcceptanceRateByTarget: Object.fromEntries(
      TARGETS.map((x) => {
        const accepted = by((t) => referralIs(t, 'accepted', x));
        const answered = accepted + by((t) => referralIs(t, 'rejected', x));
        return [x, suppress || answered === 0 ? null : round4(accepted / answered)];
      }),
    ),
    referralMedianMinutesToAcceptanceByTarget: Object.fromEntries(
      TARGETS.map((x) => {
        const minutes = tasks.flatMap((t) => (referralIs(t, 'accepted', x) && t.outcome?.type === 'redirect' && t.outcome.acceptMinutes !== undefined ? [t.outcome.acceptMinutes] : []));
        return [x, suppress ? null : medianOf(minutes)];
      }),
    ),
    cancelled: c(cancelled),
    recontact24h: c(r24),
    recontact72h: c(r72),
    recontact24hRate: suppress || avoidedTasks.length === 0 ? null : round4(r24 / avoidedTasks.length),
    recontact72hRate: suppress || avoidedTasks.length === 0 ? null : round4(r72 / avoidedTasks.length),
    // Imported history carries no follow-up calls (follow-ups.test.ts counts live ones).
    followUps: { scheduled: c(0), done: c(0), worse: c(0), unreachable: c(0), overdue: c(0) },
    medianMinutesToFirstCall: suppress ? null : medianOf(waits),
  };
}

export type GroupBy = 'area' | 'municipality' | 'task_code';
const groupKey = (t: ModelTask, groupBy: GroupBy) =>
  groupBy === 'area' ? MUNICIPALITY_AREA[t.municipality]! : groupBy === 'municipality' ? t.municipality : t.taskCode;

/** The `months` array the server should answer. */
export function expectedMonths(all: readonly ModelTask[], opts: { from: string; to: string; groupBy?: GroupBy; compare?: boolean; minGroupSize: number }) {
  const inMonth = (month: string) => all.filter((t) => helsinkiMonth(t.receivedAt) === month);
  const groupCounts = (tasks: ModelTask[]) => counts(tasks, all, tasks.length < opts.minGroupSize ? `<${opts.minGroupSize}` : null);
  return monthsBetween(opts.from, opts.to).map((month) => {
    const tasks = inMonth(month);
    const previous = inMonth(shiftYear(month, -1));
    const out: Counts = { month, ...counts(tasks, all, null) };
    if (opts.compare) out.previousYear = counts(previous, all, null);
    if (opts.groupBy) {
      const groupBy = opts.groupBy;
      const keys = [...new Set(tasks.map((t) => groupKey(t, groupBy)))].sort((a, b) => a.localeCompare(b, 'fi'));
      out.groups = keys.map((key) => ({
        key,
        ...groupCounts(tasks.filter((t) => groupKey(t, groupBy) === key)),
        ...(opts.compare ? { previousYear: groupCounts(previous.filter((t) => groupKey(t, groupBy) === key)) } : {}),
      }));
    }
    return out;
  });
}
