import path from 'node:path';
import { z } from 'zod';
import type { Role } from './contracts/common.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A comma list of roles, each one of `choices`, no repeats. */
const roleList = <R extends Role>(choices: readonly [R, ...R[]]) =>
  z
    .string()
    .transform((s) => [...new Set(s.split(',').map((r) => r.trim()))])
    .pipe(z.array(z.enum(choices)).min(1));

/** Who may review calls: shift leaders and/or the medical director. */
export const AUDIT_REVIEWER_CHOICES = ['shift_leader', 'medical_director'] as const satisfies readonly Role[];
/** Who is told at once about a critical deviation. */
export const AUDIT_NOTIFY_CHOICES = ['medical_director', 'manager', 'shift_leader'] as const satisfies readonly Role[];

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: int(1, 100).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  COOKIE_SECURE: bool.default(false),
  // Express's own forms: hops to trust (1), true/false, or addresses and names (loopback, 10.0.0.0/8).
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, 'a hop count, true/false, or a comma list of addresses, subnets or loopback/linklocal/uniquelocal')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
    .default('loopback'),
  // Origins (scheme://host:port) the browser client is served from, when a proxy makes the Host
  // header differ from what the browser shows; unset: the origin whose host is the request's Host.
  ALLOWED_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== ''))
    .pipe(z.array(z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o, 'a comma list of origins such as https://triage.example.fi')))
    .optional(),
  SESSION_IDLE_MINUTES: int(5, 24 * 60).default(12 * 60),
  LOGIN_SLOWDOWN_AFTER: int(1, 100).default(3),
  LOGIN_LOCK_AFTER: int(2, 100).default(10),
  LOGIN_LOCK_MINUTES: int(1, 24 * 60).default(15),
  CALLBACK_MINUTES: int(1, 240).default(10),
  MAX_FAILED_CALLS: int(1, 10).default(3),
  RESPONSE_LIMIT_MINUTES: int(10, 24 * 60).default(120),
  SAFETY_MARGIN_MINUTES: int(0, 24 * 60).default(30),
  C_RESPONSE_LIMIT_MINUTES: int(5, 24 * 60).default(30),
  C_SAFETY_MARGIN_MINUTES: int(0, 24 * 60).default(10),
  CLAIM_STALE_SECONDS: int(15, 3600).default(120),
  WAIT_TARGETS_MINUTES: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma list of minutes, such as 30,60,90')
    .transform((s) => s.split(',').map(Number).sort((a, b) => a - b))
    .default([30, 60, 90]),
  DISPATCH_ACK_MINUTES: int(1, 240).default(5),
  REFERRAL_ACCEPT_MINUTES: int(1, 24 * 60).default(30),
  FOLLOW_UP_EARLY_MINUTES: int(0, 24 * 60).default(15),
  FOLLOW_UP_OVERDUE_MINUTES: int(0, 24 * 60).default(15),
  FOLLOW_UP_UNREACHABLE_ATTEMPTS: int(1, 10).default(3),
  FOLLOW_UP_UNREACHABLE_MINUTES: int(0, 24 * 60).default(20),
  FOLLOW_UP_UNREACHABLE_DISPATCH: bool.default(false),
  CLOCK_SKEW_SECONDS: int(0, 3600).default(120),
  RECEIVED_MAX_AGE_HOURS: int(1, 24 * 366).default(24),
  SCHEDULER_INTERVAL_MS: int(200, 600_000).default(5000),
  SCHEDULER_ENABLED: bool.default(true),
  REPORT_MIN_GROUP_SIZE: int(1, 100).default(5),
  PHONE_HASH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  STATS_MIN_INTERVAL_MS: int(50, 60_000).default(250),
  STATS_POLL_MS: int(100, 60_000).default(1000),
  STATS_FULL_INTERVAL_MS: int(1000, 3_600_000).default(15_000),
  STAFFING_TARGET_WAIT_SECONDS: int(60, 24 * 3600).default(1800),
  STAFFING_MAX_PROBABILITY: z.coerce.number().gt(0).lt(1).default(0.2),
  DEFAULT_HANDLING_MINUTES: z.coerce.number().gt(0).max(240).default(15),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: int(1, 65535).optional(),
  AUDIT_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.02),
  AUDIT_SAMPLE_MINIMUM: int(0, 1000).default(3),
  AUDIT_SAMPLE_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  AUDIT_REVIEWER_ROLES: roleList(AUDIT_REVIEWER_CHOICES).default(['shift_leader', 'medical_director']),
  AUDIT_NOTIFY_ROLES: roleList(AUDIT_NOTIFY_CHOICES).default(['medical_director']),
  AUDIT_SCAN_MINUTES: int(1, 24 * 60).default(10),
  AUDIT_LOOKBACK_DAYS: int(7, 400).default(62),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** postgres when DATABASE_URL is set; otherwise the embedded PGlite in dataDir. */
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
    | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly logLevel: string;
  readonly adminPassword: string | undefined;
  readonly cookieSecure: boolean;
  readonly trustProxy: boolean | number | string;
  /** Browser origins admitted to the API and the socket; empty: the origin that matches the Host header. */
  readonly allowedOrigins: readonly string[];
  readonly session: { readonly idleMinutes: number };
  readonly login: { readonly slowdownAfter: number; readonly lockAfter: number; readonly lockMinutes: number };
  readonly lifecycle: LifecycleConfig;
  readonly scheduler: { readonly enabled: boolean; readonly intervalMs: number };
  readonly reports: ReportsConfig;
  readonly audit: AuditConfig;
  readonly liveStats: {
    /** At most one stats:update per this many ms per node, however many events arrive. */
    readonly minIntervalMs: number;
    /** How often a node reads events committed by other nodes. */
    readonly pollMs: number;
    /** A full reload and push at this interval heals any drift. */
    readonly fullIntervalMs: number;
    readonly staffingTargetWaitSeconds: number;
    readonly staffingMaxProbability: number;
    /** Used for the staffing estimate until tasks closed in the last 8 h give a measured mean. */
    readonly defaultHandlingMinutes: number;
  };
  /**
   * GET /metrics: on the API port only with the bearer token; on `port` (a listener of its own, for
   * a network only Prometheus reaches) without one unless the token is set. Neither: not served.
   */
  readonly metrics: { readonly token: string | undefined; readonly port: number | undefined };
}

export interface ReportsConfig {
  /** A report group (area, municipality, task code) with fewer tasks in a month shows its counts as "<N>". */
  readonly minGroupSize: number;
  /**
   * HMAC key for callback-number hashes (re-contact matching). Unset: a random key generated once
   * and kept in the database. Changing it breaks matching across the change (up to 72 h of pairs).
   */
  readonly phoneHashKey: string | undefined;
}

export interface AuditConfig {
  /** Share of a nurse's closed tasks in a month drawn for review... */
  readonly sampleRate: number;
  /** ...but at least this many (or all she has, if fewer). */
  readonly sampleMinimum: number;
  /** Key of the seeded draw (with the month); unset: one generated once and kept in the database. */
  readonly sampleKey: string | undefined;
  /** Roles that review calls. */
  readonly reviewerRoles: readonly Role[];
  /** Roles told at once (live and in a list) when a review finds a critical deviation. */
  readonly notifyRoles: readonly Role[];
  /** The scheduler looks for triggered reviews at most this often. */
  readonly scanMinutes: number;
  /** Triggers look at tasks received within this many days. */
  readonly lookbackDays: number;
}

export interface LifecycleConfig {
  /** An unanswered call puts the task back with its next call due this much later. */
  readonly callbackMinutes: number;
  /** Failed calls after which the safety net escalates the task. */
  readonly maxFailedCalls: number;
  /** The D-class response limit from receivedAt (FACTS.md: 120 min). */
  readonly responseLimitMinutes: number;
  /** An unreached patient is escalated this long before the response limit. */
  readonly safetyMarginMinutes: number;
  /**
   * The C-class response target and its safety margin (FACTS.md: 30 min): C-tasks are taken only in
   * congestion mode, and their deadlines, queue place and safety net follow these.
   */
  readonly cResponseLimitMinutes: number;
  readonly cSafetyMarginMinutes: number;
  readonly claimStaleSeconds: number;
  /** Waiting targets from receivedAt, ascending; crossing one flags the task to shift leaders. */
  readonly waitTargetsMinutes: readonly number[];
  readonly dispatchAckMinutes: number;
  /** A referral the receiving service has not answered by then returns the task for a new decision. */
  readonly referralAcceptMinutes: number;
  readonly followUp: FollowUpConfig;
  /** How far in the future receivedAt may be (clock skew between the ERC and us). */
  readonly clockSkewSeconds: number;
  /**
   * How far in the past receivedAt may be at intake: an older time would put the task at the top of
   * the queue and in a month whose reports are already read. The history import has its own range.
   */
  readonly receivedMaxAgeHours: number;
}

export interface FollowUpConfig {
  /** A follow-up may be claimed this long before it is due, no earlier (FOLLOW_UP_NOT_DUE). */
  readonly earlyMinutes: number;
  /** Still not called this long after it was due: flagged overdue to shift leaders, once. */
  readonly overdueMinutes: number;
  /** The unreachable policy: this many unanswered calls... */
  readonly unreachableAttempts: number;
  /** ...spanning at least this many minutes (first to last), then `unreachable` escalates to shift leaders. */
  readonly unreachableMinutes: number;
  /** When set, an unreachable follow-up also amends the task to a unit dispatch (reason unreachable). */
  readonly unreachableDispatch: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The only reader of the environment: parses every variable at once and lists every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as shells and .env files commonly write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.LOGIN_LOCK_AFTER <= e.LOGIN_SLOWDOWN_AFTER) {
    problems.push('LOGIN_LOCK_AFTER: must be greater than LOGIN_SLOWDOWN_AFTER');
  }
  if (e.SAFETY_MARGIN_MINUTES >= e.RESPONSE_LIMIT_MINUTES) {
    problems.push('SAFETY_MARGIN_MINUTES: must be less than RESPONSE_LIMIT_MINUTES');
  }
  if (e.C_SAFETY_MARGIN_MINUTES >= e.C_RESPONSE_LIMIT_MINUTES) {
    problems.push('C_SAFETY_MARGIN_MINUTES: must be less than C_RESPONSE_LIMIT_MINUTES');
  }
  if (e.C_RESPONSE_LIMIT_MINUTES > e.RESPONSE_LIMIT_MINUTES) {
    problems.push('C_RESPONSE_LIMIT_MINUTES: must not exceed RESPONSE_LIMIT_MINUTES (C is the more urgent class)');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (the API port serves metrics only with METRICS_TOKEN)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres' as const, url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite' as const, dataDir: path.resolve(e.DATA_DIR) },
    logLevel: e.LOG_LEVEL,
    adminPassword: e.ADMIN_PASSWORD,
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    allowedOrigins: Object.freeze(e.ALLOWED_ORIGINS ?? []),
    session: Object.freeze({ idleMinutes: e.SESSION_IDLE_MINUTES }),
    login: Object.freeze({
      slowdownAfter: e.LOGIN_SLOWDOWN_AFTER,
      lockAfter: e.LOGIN_LOCK_AFTER,
      lockMinutes: e.LOGIN_LOCK_MINUTES,
    }),
    lifecycle: Object.freeze({
      callbackMinutes: e.CALLBACK_MINUTES,
      maxFailedCalls: e.MAX_FAILED_CALLS,
      responseLimitMinutes: e.RESPONSE_LIMIT_MINUTES,
      safetyMarginMinutes: e.SAFETY_MARGIN_MINUTES,
      cResponseLimitMinutes: e.C_RESPONSE_LIMIT_MINUTES,
      cSafetyMarginMinutes: e.C_SAFETY_MARGIN_MINUTES,
      claimStaleSeconds: e.CLAIM_STALE_SECONDS,
      waitTargetsMinutes: Object.freeze(e.WAIT_TARGETS_MINUTES),
      dispatchAckMinutes: e.DISPATCH_ACK_MINUTES,
      referralAcceptMinutes: e.REFERRAL_ACCEPT_MINUTES,
      followUp: Object.freeze({
        earlyMinutes: e.FOLLOW_UP_EARLY_MINUTES,
        overdueMinutes: e.FOLLOW_UP_OVERDUE_MINUTES,
        unreachableAttempts: e.FOLLOW_UP_UNREACHABLE_ATTEMPTS,
        unreachableMinutes: e.FOLLOW_UP_UNREACHABLE_MINUTES,
        unreachableDispatch: e.FOLLOW_UP_UNREACHABLE_DISPATCH,
      }),
      clockSkewSeconds: e.CLOCK_SKEW_SECONDS,
      receivedMaxAgeHours: e.RECEIVED_MAX_AGE_HOURS,
    }),
    scheduler: Object.freeze({ enabled: e.SCHEDULER_ENABLED, intervalMs: e.SCHEDULER_INTERVAL_MS }),
    reports: Object.freeze({ minGroupSize: e.REPORT_MIN_GROUP_SIZE, phoneHashKey: e.PHONE_HASH_KEY }),
    audit: Object.freeze({
      sampleRate: e.AUDIT_SAMPLE_RATE,
      sampleMinimum: e.AUDIT_SAMPLE_MINIMUM,
      sampleKey: e.AUDIT_SAMPLE_KEY,
      reviewerRoles: Object.freeze(e.AUDIT_REVIEWER_ROLES),
      notifyRoles: Object.freeze(e.AUDIT_NOTIFY_ROLES),
      scanMinutes: e.AUDIT_SCAN_MINUTES,
      lookbackDays: e.AUDIT_LOOKBACK_DAYS,
    }),
    liveStats: Object.freeze({
      minIntervalMs: e.STATS_MIN_INTERVAL_MS,
      pollMs: e.STATS_POLL_MS,
      fullIntervalMs: e.STATS_FULL_INTERVAL_MS,
      staffingTargetWaitSeconds: e.STAFFING_TARGET_WAIT_SECONDS,
      staffingMaxProbability: e.STAFFING_MAX_PROBABILITY,
      defaultHandlingMinutes: e.DEFAULT_HANDLING_MINUTES,
    }),
    metrics: Object.freeze({ token: e.METRICS_TOKEN, port: e.METRICS_PORT }),
  });
}

/** `npm run bench`'s PostgreSQL server (an admin URL), when BENCH_DATABASE_URL names one. */
export function benchDatabaseUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL || undefined;
}

/** The process environment over the given defaults: the one place that reads process.env. */
export function loadConfigFromEnvironment(defaults: Record<string, string> = {}): Config {
  return loadConfig({ ...defaults, ...process.env });
}
