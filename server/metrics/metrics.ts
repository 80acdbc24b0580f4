import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config.ts';
import { TASK_STATES } from '../contracts/tasks.ts';
import type { Db } from '../db/create-db.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { readDatabaseGauges } from './metrics.repository.ts';

/** What the login flow reports; counted per node (sum over nodes in PromQL). */
export interface LoginObserver {
  failed(reason: 'invalid_credentials' | 'locked' | 'throttled'): void;
  lockedOut(): void;
}

/** One scheduler rule's run on this node (`ran`: this node held the rule's lock and finished it). */
export type RuleObserver = (rule: string, seconds: number, ran: boolean) => void;

export interface MetricsSources {
  db: Db;
  /** PostgreSQL only: the request pool's counts. PGlite is one in-process connection. */
  pool?: () => { total: number; idle: number; waiting: number };
  /** This node's sockets per role. */
  socketsByRole(): Map<string, number>;
}

export interface Metrics {
  login: LoginObserver;
  schedulerRule: RuleObserver;
  /** Wraps the publisher: counts committed events and times their hand-over to Socket.IO. */
  instrument(publisher: Publisher): Publisher;
  /** Times the request by its route template once the response has gone out. */
  observeRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Answers GET /metrics when `req` asks for it (true: served or refused). On the API listener only with METRICS_TOKEN. */
  serve(req: IncomingMessage, res: ServerResponse, onApiListener: boolean): boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The route template Express matched (`/api/tasks/:id`), never the path with its ids. */
function routeLabel(req: IncomingMessage): string {
  const route = (req as IncomingMessage & { route?: { path?: unknown } }).route;
  if (typeof route?.path === 'string') return route.path;
  return req.url?.startsWith('/api/') ? 'unmatched' : 'static';
}

export function createMetrics(config: Config, sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'dtc_http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status class',
    labelNames: ['route', 'method', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const eventsWritten = new Counter({
    name: 'dtc_task_events_written_total',
    help: 'Task events committed by this node, by event type',
    labelNames: ['type'],
    registers,
  });
  const publishLag = new Histogram({
    name: 'dtc_event_publish_lag_seconds',
    help: 'From a committed transaction handing its events to the publisher until Socket.IO has taken the emits',
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers,
  });
  const schedulerDuration = new Histogram({
    name: 'dtc_scheduler_rule_duration_seconds',
    help: 'Duration of one scheduler rule run on this node (including runs that found the lock taken)',
    labelNames: ['rule'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });
  const schedulerSuccess = new Gauge({
    name: 'dtc_scheduler_last_success_timestamp_seconds',
    help: 'Unix time at which this node last completed the rule while holding its lock',
    labelNames: ['rule'],
    registers,
  });
  const loginFailures = new Counter({
    name: 'dtc_login_failures_total',
    help: 'Refused logins on this node: wrong credentials, slowed down, or the account locked',
    labelNames: ['reason'],
    registers,
  });
  const lockouts = new Counter({ name: 'dtc_account_lockouts_total', help: 'Accounts locked by failed logins on this node', registers });

  // Database state, read at scrape time so that every node reports the same figures. The gauges
  // are collected concurrently within one scrape: they share one read of the database.
  let reading: ReturnType<typeof readDatabaseGauges> | undefined;
  const facts = () => (reading ??= readDatabaseGauges(sources.db).finally(() => (reading = undefined)));
  const openStates = TASK_STATES.filter((s) => s !== 'closed');
  new Gauge({
    name: 'dtc_tasks_open',
    help: 'Open tasks by state and area (all nodes: read from the database)',
    labelNames: ['state', 'area'],
    registers,
    async collect() {
      const { open, activeAreas } = await facts();
      this.reset();
      // Zeros for every active area, so that a rule sees "none open" rather than a missing series.
      for (const area of activeAreas) for (const state of openStates) this.set({ state, area }, 0);
      for (const row of open) this.set({ state: row.state, area: row.area }, row.count);
    },
  });
  new Gauge({
    name: 'dtc_oldest_wait_seconds',
    help: 'Seconds since receivedAt of the oldest open task whose patient has not been reached (0: none)',
    registers,
    async collect() {
      this.set((await facts()).oldestWaitSeconds);
    },
  });
  new Gauge({ name: 'dtc_response_limit_seconds', help: 'The D-class response limit (RESPONSE_LIMIT_MINUTES) in seconds', registers }).set(
    config.lifecycle.responseLimitMinutes * 60,
  );
  new Gauge({
    name: 'dtc_dispatch_requests_unacknowledged',
    help: 'Dispatch requests waiting for the ERC acknowledgement; overdue="true" once flagged past DISPATCH_ACK_MINUTES',
    labelNames: ['overdue'],
    registers,
    async collect() {
      const { dispatchWaiting, dispatchOverdue } = await facts();
      this.set({ overdue: 'false' }, dispatchWaiting - dispatchOverdue);
      this.set({ overdue: 'true' }, dispatchOverdue);
    },
  });
  new Gauge({
    name: 'dtc_task_event_seq',
    help: 'The last committed task event seq (all nodes)',
    registers,
    async collect() {
      this.set((await facts()).lastSeq);
    },
  });
  new Gauge({
    name: 'dtc_sockets_connected',
    help: 'Socket.IO connections on this node by role',
    labelNames: ['role'],
    registers,
    collect() {
      this.reset();
      for (const [role, count] of sources.socketsByRole()) this.set({ role }, count);
    },
  });
  const { pool } = sources;
  if (pool) {
    new Gauge({
      name: 'dtc_db_pool_connections',
      help: 'PostgreSQL request pool of this node: total, idle, and requests waiting for a connection',
      labelNames: ['kind'],
      registers,
      collect() {
        const counts = pool();
        this.set({ kind: 'total' }, counts.total);
        this.set({ kind: 'idle' }, counts.idle);
        this.set({ kind: 'waiting' }, counts.waiting);
      },
    });
  }

  const tokenDigest = config.metrics.token === undefined ? undefined : digest(config.metrics.token);
  function authorised(req: IncomingMessage): boolean {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return match !== null && tokenDigest !== undefined && timingSafeEqual(digest(match[1] ?? ''), tokenDigest);
  }
  function refuse(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}) });
    res.end(JSON.stringify({ error: { code, message } }));
  }

  return {
    login: {
      failed: (reason) => loginFailures.inc({ reason }),
      lockedOut: () => lockouts.inc(),
    },
    schedulerRule(rule, seconds, ran) {
      schedulerDuration.observe({ rule }, seconds);
      if (ran) schedulerSuccess.set({ rule }, Date.now() / 1000);
    },
    instrument(publisher) {
      return {
        ...publisher,
        taskChanged(events) {
          const start = performance.now();
          publisher.taskChanged(events);
          if (events.length === 0) return;
          publishLag.observe((performance.now() - start) / 1000);
          for (const event of events) eventsWritten.inc({ type: event.type });
        },
      };
    },
    observeRequest(req, res) {
      const start = performance.now();
      res.once('finish', () => {
        httpDuration.observe(
          { route: routeLabel(req), method: req.method ?? 'GET', status_class: `${Math.floor(res.statusCode / 100)}xx` },
          (performance.now() - start) / 1000,
        );
      });
    },
    serve(req, res, onApiListener) {
      if (req.url?.split('?')[0] !== '/metrics') return false;
      if (req.method !== 'GET') refuse(res, 405, 'METHOD_NOT_ALLOWED', 'Only GET /metrics.');
      else if (onApiListener && !tokenDigest) refuse(res, 404, 'NOT_FOUND', 'Metrics are not served here: set METRICS_TOKEN or METRICS_PORT.');
      // A configured token guards the separate listener too.
      else if (tokenDigest && !authorised(req)) refuse(res, 401, 'METRICS_TOKEN_REQUIRED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
      else {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(text),
          () => refuse(res, 503, 'METRICS_UNAVAILABLE', 'The metrics could not be read (is the database reachable?).'),
        );
      }
      return true;
    },
  };
}
