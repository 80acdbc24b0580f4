import { z } from 'zod';
import { IsoDateTime, text } from './common.ts';
import { TaskCodeValue } from './reference.ts';
import { OVERRIDE_REASONS, VITAL_SIGNS, type ProtocolContent as EvaluatorContent } from '../protocols/evaluator.ts';

// Protocols (the county's care-need assessment instructions) and the disposition ladder. The
// evaluator (server/protocols/evaluator.ts) reads the same shapes without zod.

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export const Language = z.enum(LANGUAGES);

const Slug = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'An identifier such as cannot_get_up');
export const DispositionId = Slug.describe('A rung of the disposition ladder (GET /api/reference/dispositions)');
const Label = (max: number) => text(max).pipe(z.string().min(1));
export const Localized = z.strictObject({ fi: Label(1000), sv: Label(1000), en: Label(1000) }).meta({ id: 'LocalizedText' });
const ShortLocalized = z.strictObject({ fi: Label(200), sv: Label(200), en: Label(200) });

export const OUTCOME_KINDS = ['dispatch_unit', 'phone_advice', 'redirect'] as const;

export const DispositionDto = z
  .object({
    id: z.string(),
    rank: z.number().int().describe('1 = most acute'),
    labels: z.object({ fi: z.string(), sv: z.string(), en: z.string() }),
    outcomeType: z.enum(OUTCOME_KINDS),
    outcomeMatch: z.record(z.string(), z.array(z.string())).describe('Outcome fields and the values that mean this rung'),
  })
  .meta({ id: 'Disposition' });
export type DispositionDto = z.infer<typeof DispositionDto>;
export const DispositionList = z.object({ dispositions: z.array(DispositionDto) }).meta({ id: 'DispositionList' });
export const DispositionParams = z.strictObject({ id: DispositionId });
export const PutDispositionLabelsRequest = z.strictObject({ labels: ShortLocalized }).meta({ id: 'PutDispositionLabelsRequest' });

const Condition = z.union([
  z.strictObject({ equals: z.union([z.boolean(), Slug]) }),
  z.strictObject({ below: z.number() }),
  z.strictObject({ above: z.number() }),
]);
const Floor = z.strictObject({
  when: Condition,
  disposition: DispositionId,
  reason: ShortLocalized.describe('Shown to the nurse beside the recommendation'),
  hard: z.boolean().default(false).describe('A red flag: no override'),
});
const questionBase = { id: Slug, text: ShortLocalized, floors: z.array(Floor).max(20).default([]) };
const Question = z.discriminatedUnion('kind', [
  z.strictObject({ ...questionBase, kind: z.literal('yes_no') }),
  z.strictObject({
    ...questionBase,
    kind: z.literal('single_choice'),
    options: z.array(z.strictObject({ id: Slug, label: ShortLocalized })).min(2).max(20),
  }),
  z.strictObject({ ...questionBase, kind: z.literal('number'), unit: text(20), min: z.number(), max: z.number() }),
]);
const VitalThreshold = z.strictObject({
  vital: z.enum(VITAL_SIGNS),
  when: z.union([z.strictObject({ below: z.number() }), z.strictObject({ above: z.number() })]),
  disposition: DispositionId,
  reason: ShortLocalized,
  hard: z.boolean().default(false),
});
const AdviceText = z.strictObject({ id: Slug, disposition: DispositionId, text: Localized });

/** The clinical content of one protocol version. Cross-checks (unique ids, known dispositions) are in the service. */
export const ProtocolContent = z
  .strictObject({
    title: ShortLocalized,
    questions: z.array(Question).min(1).max(60),
    vitalThresholds: z.array(VitalThreshold).max(30).default([]),
    defaultDisposition: DispositionId,
    advice: z.array(AdviceText).max(30).default([]),
  })
  .meta({ id: 'ProtocolContent' });
export type ProtocolContent = z.output<typeof ProtocolContent>;
// The zod schema and the evaluator must describe the same thing: fails to compile when they drift.
export type ContentMatchesEvaluator = ProtocolContent extends EvaluatorContent ? true : never;
const contentMatches: ContentMatchesEvaluator = true;
void contentMatches;

export const PROTOCOL_STATUSES = ['draft', 'approved', 'retired'] as const;
export const ProtocolId = Slug;
export const ProtocolParams = z.strictObject({ id: ProtocolId });
export const ProtocolVersionParams = z.strictObject({ id: ProtocolId, version: z.coerce.number().int().min(1) });

export const ProtocolVersionDto = z
  .object({
    version: z.number().int(),
    status: z.enum(PROTOCOL_STATUSES),
    example: z.boolean().describe('Shipped example content: not approved clinical guidance'),
    content: ProtocolContent,
    createdAt: IsoDateTime,
    createdBy: z.string().nullable(),
    approvedAt: IsoDateTime.nullable(),
    approvedBy: z.string().nullable(),
    retiredAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ProtocolVersion' });
export type ProtocolVersionDto = z.infer<typeof ProtocolVersionDto>;

export const ProtocolSummary = z
  .object({
    id: z.string(),
    generic: z.boolean().describe('Used for task codes no other protocol covers'),
    taskCodes: z.array(z.string()),
    title: ShortLocalized.describe('Of the newest version'),
    approvedVersion: z.number().int().nullable(),
    draftVersion: z.number().int().nullable(),
    example: z.boolean().describe('The approved version is shipped example content'),
  })
  .meta({ id: 'ProtocolSummary' });
export type ProtocolSummary = z.infer<typeof ProtocolSummary>;
export const ProtocolList = z.object({ protocols: z.array(ProtocolSummary) }).meta({ id: 'ProtocolList' });
export const ProtocolDetail = ProtocolSummary.extend({ versions: z.array(ProtocolVersionDto) }).meta({ id: 'ProtocolDetail' });
export type ProtocolDetail = z.infer<typeof ProtocolDetail>;
export const ProtocolResponse = z.object({ protocol: ProtocolDetail }).meta({ id: 'ProtocolResponse' });

const TaskCodes = z.array(TaskCodeValue).max(50).refine((codes) => new Set(codes).size === codes.length, 'A task code is listed twice');
export const CreateProtocolRequest = z
  .strictObject({ id: ProtocolId, generic: z.boolean().default(false), taskCodes: TaskCodes.default([]), content: ProtocolContent })
  .meta({ id: 'CreateProtocolRequest' });
export type CreateProtocolRequest = z.output<typeof CreateProtocolRequest>;
export const PutDraftRequest = z
  .strictObject({
    version: z.number().int().min(1).optional().describe('The draft being edited: 409 PROTOCOL_VERSION_IMMUTABLE if it was approved meanwhile'),
    taskCodes: TaskCodes.optional().describe('Replaces the codes the protocol covers'),
    content: ProtocolContent,
  })
  .meta({ id: 'PutDraftRequest' });
export type PutDraftRequest = z.output<typeof PutDraftRequest>;

/** What the nurse answered, as the assessment carries it. */
export const ProtocolAnswers = z
  .strictObject({
    id: ProtocolId,
    version: z.number().int().min(1),
    answers: z
      .array(z.strictObject({ questionId: Slug, value: z.union([z.boolean(), Slug, z.number()]), answeredAt: IsoDateTime }))
      .max(60)
      .refine((answers) => new Set(answers.map((a) => a.questionId)).size === answers.length, 'A question is answered twice'),
  })
  .meta({ id: 'ProtocolAnswers' });
export type ProtocolAnswers = z.output<typeof ProtocolAnswers>;

export const AppliedFloorDto = z
  .object({ questionId: z.string(), disposition: z.string(), reason: z.object({ fi: z.string(), sv: z.string(), en: z.string() }), hard: z.boolean() })
  .meta({ id: 'AppliedFloor' });
export const RecommendationDto = z
  .object({
    protocolId: z.string(),
    protocolVersion: z.number().int(),
    disposition: z.string(),
    floors: z.array(AppliedFloorDto),
    unanswered: z.array(z.string()),
  })
  .meta({ id: 'Recommendation' });
export type RecommendationDto = z.infer<typeof RecommendationDto>;

export const Override = z
  .strictObject({ reason: z.enum(OVERRIDE_REASONS), note: text(1000).pipe(z.string().min(1)) })
  .describe('Why the outcome is less acute than recommended (required then)')
  .meta({ id: 'Override' });
export const AdviceGiven = z
  .strictObject({ adviceId: Slug, version: z.number().int().min(1), language: Language, understood: z.literal(true) })
  .describe('The advice text read to the patient (required for phone advice and redirects of a task assessed with a protocol)')
  .meta({ id: 'AdviceGiven' });

/** A protocol set as JSON, for moving a county's instructions between systems. */
export const ProtocolSet = z
  .strictObject({
    format: z.literal('dtask-protocol-set/1'),
    protocols: z
      .array(z.strictObject({ id: ProtocolId, generic: z.boolean().default(false), taskCodes: TaskCodes.default([]), content: ProtocolContent }))
      .max(200),
  })
  .meta({ id: 'ProtocolSet' });
export type ProtocolSet = z.output<typeof ProtocolSet>;
export const ImportResult = z
  .object({ drafts: z.array(z.object({ id: z.string(), version: z.number().int() })) })
  .meta({ id: 'ProtocolImportResult' });
