import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/create-db.ts';
import { abandonIdempotent, beginIdempotent, completeIdempotent } from '../idempotency/idempotency.repository.ts';
import type { Role } from '../contracts/common.ts';
import type { AnonymousActor, IntegrationActor, RequestContext, UserActor } from './actor.ts';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './body.ts';
import { AppError, validationError } from './errors.ts';

export type Access =
  | { kind: 'public' }
  | { kind: 'session'; roles: readonly Role[] }
  /** A key of that scope (default erc: the ERC interface); another key gets 403 KEY_SCOPE. */
  | { kind: 'integration'; scope?: 'erc' | 'referrals' };

type ActorFor<A extends Access> = A extends { kind: 'session' }
  ? UserActor
  : A extends { kind: 'integration' }
    ? IntegrationActor
    : AnonymousActor;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerInput<A extends Access, B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body: z.output<B>;
  query: z.output<Q>;
  params: z.output<P>;
  actor: ActorFor<A>;
  ctx: RequestContext;
  req: Request;
  res: Response;
}

export interface RouteDef<
  A extends Access = Access,
  B extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /api/users/{id} */
  path: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Honours an Idempotency-Key header (documented in OpenAPI). */
  idempotent?: boolean;
  /** A body limit above the default, read only once the caller is admitted (the history import). */
  bodyLimit?: string;
  responses: Record<number, ResponseSpec>;
  handle(input: HandlerInput<A, B, Q, P>): Promise<Reply> | Reply;
}

/** Keeps each route's types exact while the registry holds them all as RouteDef. */
export function defineRoute<A extends Access, B extends z.ZodType = z.ZodNever, Q extends z.ZodType = z.ZodNever, P extends z.ZodType = z.ZodNever>(
  def: RouteDef<A, B, Q, P>,
): RouteDef {
  return def as unknown as RouteDef;
}

/** Resolves who is calling; throws 401/403 when the route's access rule refuses them. */
export interface Authenticator {
  resolve(access: Access, req: Request, res: Response): Promise<UserActor | IntegrationActor | AnonymousActor>;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/**
 * The client's address for the audit row. Behind a trusted proxy Express takes it from
 * X-Forwarded-For, which holds whatever the sender wrote: only an IP address is kept, else the
 * address of the connection itself.
 */
function clientAddress(req: Request): string | null {
  return req.ip !== undefined && isIP(req.ip) !== 0 ? req.ip : (req.socket.remoteAddress ?? null);
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a request at most once per Idempotency-Key: a retry with the same key and body gets the first
 * answer (errors a client can act on included); a failure on our side frees the key for the retry.
 */
async function idempotent(db: Db, req: Request, actorId: string, run: () => Promise<Reply>): Promise<Reply> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return run();
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-200 visible ASCII characters.');
  }
  const scope = `${actorId} ${req.method} ${req.path}`;
  const hash = createHash('sha256').update(JSON.stringify(req.body ?? null)).digest('hex');
  const begun = await beginIdempotent(db, scope, key, hash);
  if (begun.kind === 'replay') return { status: begun.status, body: begun.body ?? undefined, headers: { 'Idempotent-Replayed': 'true' } };
  if (begun.kind === 'in_progress') throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running; retry shortly.');
  if (begun.kind === 'mismatch') throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request.');
  try {
    const reply = await run();
    await completeIdempotent(db, scope, key, reply.status, reply.body);
    return reply;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      const body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
      await completeIdempotent(db, scope, key, err.status, body);
    } else {
      await abandonIdempotent(db, scope, key).catch(() => undefined);
    }
    throw err;
  }
}

/**
 * Mounts the route table on a router: access check, then reading the body, validation of body, query and params, one
 * handler call (at most once per Idempotency-Key where the route honours one), and the reply. In
 * development and test the reply is checked against the declared response schema, so the OpenAPI
 * document cannot drift from what the server sends.
 */
export function mountRoutes(router: Router, routes: readonly RouteDef[], deps: { auth: Authenticator; db: Db; checkReplies: boolean }): void {
  for (const route of routes) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    router[route.method](expressPath, async (req: Request, res: Response) => {
      // Who may call comes first: nobody gets the server to read, let alone parse, a body before that.
      const actor = await deps.auth.resolve(route.access, req, res);
      if (route.method !== 'get') await readJsonBody(req, res, route.bodyLimit ?? DEFAULT_BODY_LIMIT);
      const input = {
        body: parsePart(route.body, req.body, 'body'),
        query: parsePart(route.query, req.query, 'query'),
        params: parsePart(route.params, req.params, 'params'),
        actor,
        ctx: { requestId: String(req.id), clientIp: clientAddress(req) },
        req,
        res,
      } as HandlerInput<Access, z.ZodType, z.ZodType, z.ZodType>;
      const handle = async () => route.handle(input);
      const reply = route.idempotent && actor.kind !== 'anonymous' ? await idempotent(deps.db, req, actor.id, handle) : await handle();
      if (deps.checkReplies && !reply.headers?.['Idempotent-Replayed']) checkReply(route, reply);
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (reply.body === undefined) res.status(reply.status).end();
      else if (typeof reply.body === 'string') res.status(reply.status).send(reply.body);
      else res.status(reply.status).json(reply.body);
    });
  }
}

function checkReply(route: RouteDef, reply: Reply): void {
  const spec = route.responses[reply.status];
  if (!spec) throw new AppError(500, 'UNDECLARED_RESPONSE', `${route.method} ${route.path} answered undeclared ${reply.status}`);
  if (!spec.schema) return;
  const result = spec.schema.safeParse(reply.body);
  if (!result.success) {
    throw new AppError(500, 'RESPONSE_CONTRACT', `${route.method} ${route.path} broke its response schema: ${result.error.message}`);
  }
}
