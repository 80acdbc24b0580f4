import { z } from 'zod';
import {
  DispositionDto,
  ProtocolContent,
  type CreateProtocolRequest,
  type ProtocolDetail,
  type ProtocolSet,
  type ProtocolSummary,
  type ProtocolVersionDto,
  type PutDraftRequest,
} from '../contracts/protocols.ts';
import type { Db } from '../db/create-db.ts';
import { pgCode } from '../db/errors.ts';
import { insertAudit, type Executor } from '../audit/audit.repository.ts';
import type { Actor, RequestContext, UserActor } from '../http/actor.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { contentIssues } from './content-rules.ts';
import type { LadderStep } from './evaluator.ts';
import * as repo from './protocols.repository.ts';

const OutcomeMatch = z.record(z.string(), z.array(z.string()));

export function toDispositionDto(row: repo.DispositionRow): DispositionDto {
  return DispositionDto.parse({
    id: row.id,
    rank: row.rank,
    labels: { fi: row.label_fi, sv: row.label_sv, en: row.label_en },
    outcomeType: row.outcome_type,
    outcomeMatch: OutcomeMatch.parse(row.outcome_match),
  });
}

/** The ladder as the evaluator reads it. */
export async function loadLadder(db: Executor): Promise<LadderStep[]> {
  return (await repo.listDispositions(db)).map(toDispositionDto);
}

export function parseContent(value: unknown): ProtocolContent {
  return ProtocolContent.parse(value);
}

function toVersionDto(row: repo.VersionRow): ProtocolVersionDto {
  return {
    version: row.version,
    status: z.enum(['draft', 'approved', 'retired']).parse(row.status),
    example: row.example,
    content: parseContent(row.content),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    approvedAt: row.approved_at?.toISOString() ?? null,
    approvedBy: row.approved_by,
    retiredAt: row.retired_at?.toISOString() ?? null,
  };
}

function toSummary(protocol: repo.ProtocolRow, codes: string[], versions: ProtocolVersionDto[]): ProtocolSummary {
  const approved = versions.find((v) => v.status === 'approved');
  const draft = versions.find((v) => v.status === 'draft');
  const newest = versions[versions.length - 1];
  return {
    id: protocol.id,
    generic: protocol.generic,
    taskCodes: codes,
    title: newest?.content.title ?? { fi: protocol.id, sv: protocol.id, en: protocol.id },
    approvedVersion: approved?.version ?? null,
    draftVersion: draft?.version ?? null,
    example: approved?.example ?? false,
  };
}

const immutable = (id: string, version: number, status: string) =>
  new AppError(409, 'PROTOCOL_VERSION_IMMUTABLE', `Version ${version} of protocol "${id}" is ${status}: it cannot be changed. Edit the draft instead.`, { status });

/** The database refuses edits of approved versions (trigger); answer that as the same 409. */
function mapImmutable(id: string, version: number) {
  return (err: unknown): never => {
    if (pgCode(err) === 'P0010') throw immutable(id, version, 'approved');
    throw err;
  };
}

/** A new protocol row (undefined when the id is taken); a second generic protocol is refused with 409. */
function insertProtocol(executor: Executor, p: { id: string; generic: boolean }) {
  return repo.insertProtocol(executor, p).catch((err: unknown) => {
    if (pgCode(err) === '23505') throw new AppError(409, 'GENERIC_PROTOCOL_EXISTS', 'There is a generic protocol already.');
    throw err;
  });
}

function actorLabel(actor: UserActor): string {
  return actor.username;
}

/**
 * The protocol library: versions are drafted by admins and medical directors, approved only by a
 * medical director, and immutable once approved (the database refuses edits as well). Every change
 * is audited.
 */
export function createProtocolsService(db: Db) {
  async function detail(id: string, executor: Executor = db): Promise<ProtocolDetail> {
    const protocol = await repo.findProtocol(executor, id);
    if (!protocol) throw notFound('Protocol');
    const [codes, versions] = await Promise.all([repo.listTaskCodes(executor), repo.listVersions(executor, id)]);
    const dtos = versions.map(toVersionDto);
    return { ...toSummary(protocol, codes.filter((c) => c.protocol_id === id).map((c) => c.task_code), dtos), versions: dtos };
  }

  async function checkContent(executor: Executor, content: ProtocolContent, prefix: string): Promise<void> {
    const ladder = new Set((await repo.listDispositions(executor)).map((d) => d.id));
    const issues = contentIssues(content, ladder, prefix);
    if (issues.length > 0) throw validationError(issues);
  }

  async function setTaskCodes(executor: Executor, id: string, codes: readonly string[], path: string): Promise<void> {
    const taken = await repo.taskCodesTakenElsewhere(executor, id, codes);
    if (taken.length > 0) {
      throw new AppError(409, 'TASK_CODE_TAKEN', `Task code ${taken.map((t) => `${t.task_code} (protocol "${t.protocol_id}")`).join(', ')} belongs to another protocol.`, [
        { path, message: 'A task code belongs to one protocol' },
      ]);
    }
    await repo.replaceTaskCodes(executor, id, codes);
  }

  /** Writes the draft of a protocol (editing the open draft or starting the next version); the protocol must be locked. */
  async function writeDraft(executor: Executor, id: string, content: ProtocolContent, actor: UserActor, expectedVersion?: number) {
    const draft = await repo.findDraft(executor, id);
    if (expectedVersion !== undefined && draft?.version !== expectedVersion) {
      const row = await repo.findVersion(executor, id, expectedVersion);
      if (!row) throw notFound('Protocol version');
      throw immutable(id, expectedVersion, row.status);
    }
    if (draft) return (await repo.updateDraftContent(executor, id, draft.version, content).catch(mapImmutable(id, draft.version)))!;
    return repo.insertDraft(executor, { protocolId: id, content, createdBy: actorLabel(actor) });
  }

  return {
    detail,

    async list(): Promise<ProtocolSummary[]> {
      const [protocols, codes, versions] = await Promise.all([repo.listProtocols(db), repo.listTaskCodes(db), repo.listVersions(db)]);
      return protocols.map((p) =>
        toSummary(
          p,
          codes.filter((c) => c.protocol_id === p.id).map((c) => c.task_code),
          versions.filter((v) => v.protocol_id === p.id).map(toVersionDto),
        ),
      );
    },

    async dispositions(): Promise<DispositionDto[]> {
      return (await repo.listDispositions(db)).map(toDispositionDto);
    },

    /** Relabels a rung of the ladder; its order and outcome mapping are not editable here. */
    async relabelDisposition(id: string, labels: { fi: string; sv: string; en: string }, actor: Actor, ctx: RequestContext): Promise<DispositionDto> {
      return db.transaction().execute(async (trx) => {
        const row = await repo.updateDispositionLabels(trx, id, labels);
        if (!row) throw notFound('Disposition');
        await insertAudit(trx, actor, ctx, { action: 'reference.disposition_relabel', targetType: 'disposition', targetId: id });
        return toDispositionDto(row);
      });
    },

    /** A new protocol with its first draft (version 1). */
    async create(input: CreateProtocolRequest, actor: UserActor, ctx: RequestContext): Promise<ProtocolDetail> {
      return db.transaction().execute(async (trx) => {
        await checkContent(trx, input.content, 'body.content');
        const created = await insertProtocol(trx, { id: input.id, generic: input.generic });
        if (!created) throw new AppError(409, 'PROTOCOL_EXISTS', `A protocol "${input.id}" exists already.`);
        await setTaskCodes(trx, input.id, input.taskCodes, 'body.taskCodes');
        const draft = await writeDraft(trx, input.id, input.content, actor);
        await insertAudit(trx, actor, ctx, { action: 'protocol.create', targetType: 'protocol', targetId: input.id, details: { version: draft.version, taskCodes: input.taskCodes } });
        return detail(input.id, trx);
      });
    },

    /** Saves the draft: edits the open draft, or starts the next version when there is none. */
    async putDraft(id: string, input: PutDraftRequest, actor: UserActor, ctx: RequestContext): Promise<ProtocolDetail> {
      return db.transaction().execute(async (trx) => {
        if (!(await repo.lockProtocol(trx, id))) throw notFound('Protocol');
        await checkContent(trx, input.content, 'body.content');
        const draft = await writeDraft(trx, id, input.content, actor, input.version);
        if (input.taskCodes) await setTaskCodes(trx, id, input.taskCodes, 'body.taskCodes');
        await insertAudit(trx, actor, ctx, {
          action: 'protocol.draft_save',
          targetType: 'protocol',
          targetId: id,
          details: { version: draft.version, ...(input.taskCodes ? { taskCodes: input.taskCodes } : {}) },
        });
        return detail(id, trx);
      });
    },

    /** Medical director only (the route says so): the draft becomes the version used for new tasks; the previous one retires. */
    async approve(id: string, version: number, actor: UserActor, ctx: RequestContext): Promise<ProtocolDetail> {
      return db.transaction().execute(async (trx) => {
        if (!(await repo.lockProtocol(trx, id))) throw notFound('Protocol');
        const row = await repo.findVersion(trx, id, version);
        if (!row) throw notFound('Protocol version');
        if (row.status !== 'draft') throw immutable(id, version, row.status);
        await repo.approveDraft(trx, id, version, { id: actor.id, name: actor.displayName });
        await insertAudit(trx, actor, ctx, { action: 'protocol.approve', targetType: 'protocol', targetId: id, details: { version } });
        return detail(id, trx);
      });
    },

    /**
     * Medical director only: takes the approved version out of use without a successor, so new
     * tasks of its codes get the generic protocol (or none). Tasks assessed with it keep it.
     */
    async retire(id: string, version: number, actor: UserActor, ctx: RequestContext): Promise<ProtocolDetail> {
      return db.transaction().execute(async (trx) => {
        if (!(await repo.lockProtocol(trx, id))) throw notFound('Protocol');
        const row = await repo.findVersion(trx, id, version);
        if (!row) throw notFound('Protocol version');
        if (row.status !== 'approved') throw new AppError(409, 'PROTOCOL_VERSION_NOT_APPROVED', `Version ${version} of protocol "${id}" is ${row.status}: only the approved version can be retired.`);
        await repo.retireVersion(trx, id, version);
        await insertAudit(trx, actor, ctx, { action: 'protocol.retire', targetType: 'protocol', targetId: id, details: { version } });
        return detail(id, trx);
      });
    },

    /** Every protocol's newest content (approved, else draft), as a set another system can import. */
    async exportSet(): Promise<ProtocolSet> {
      const [protocols, codes, versions] = await Promise.all([repo.listProtocols(db), repo.listTaskCodes(db), repo.listVersions(db)]);
      return {
        format: 'dtask-protocol-set/1',
        protocols: protocols.flatMap((p) => {
          const own = versions.filter((v) => v.protocol_id === p.id && v.status !== 'retired');
          const chosen = own.find((v) => v.status === 'approved') ?? own[0];
          if (!chosen) return [];
          return [{ id: p.id, generic: p.generic, taskCodes: codes.filter((c) => c.protocol_id === p.id).map((c) => c.task_code), content: parseContent(chosen.content) }];
        }),
      };
    },

    /**
     * Imports a set as drafts (never approved: a medical director approves them here). All or
     * nothing: the first invalid protocol refuses the whole set, naming its path.
     */
    async importSet(set: ProtocolSet, actor: UserActor, ctx: RequestContext): Promise<{ drafts: { id: string; version: number }[] }> {
      return db.transaction().execute(async (trx) => {
        const drafts: { id: string; version: number }[] = [];
        const issues = (await Promise.all(set.protocols.map(async (p, i) => {
          const ladder = new Set((await repo.listDispositions(trx)).map((d) => d.id));
          return contentIssues(p.content, ladder, `body.protocols.${i}.content`);
        }))).flat();
        const ids = set.protocols.map((p) => p.id);
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i) issues.push({ path: `body.protocols.${i}.id`, message: `Protocol "${id}" is listed twice` });
        });
        if (issues.length > 0) throw validationError(issues);
        for (const [i, p] of set.protocols.entries()) {
          const existing = await repo.lockProtocol(trx, p.id);
          if (!existing) await insertProtocol(trx, { id: p.id, generic: p.generic });
          else if (existing.generic !== p.generic) {
            throw validationError([{ path: `body.protocols.${i}.generic`, message: `Protocol "${p.id}" exists with generic=${existing.generic}` }]);
          }
          await setTaskCodes(trx, p.id, p.taskCodes, `body.protocols.${i}.taskCodes`);
          const draft = await writeDraft(trx, p.id, p.content, actor);
          drafts.push({ id: p.id, version: draft.version });
        }
        await insertAudit(trx, actor, ctx, { action: 'protocol.import', targetType: 'protocol', details: { protocols: drafts.map((d) => `${d.id}/${d.version}`) } });
        return { drafts };
      });
    },
  };
}
export type ProtocolsService = ReturnType<typeof createProtocolsService>;
