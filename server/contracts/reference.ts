import { z } from 'zod';
import { Uuid, name } from './common.ts';

export const URGENCIES = ['A', 'B', 'C', 'D'] as const;
export const Urgency = z.enum(URGENCIES);

export const TaskCodeValue = z.string().regex(/^7\d{2}$/, 'A task code is three digits starting with 7');

export const MunicipalityDto = z
  .object({ id: Uuid, name: z.string(), areaId: Uuid, active: z.boolean() })
  .meta({ id: 'Municipality' });
export const AreaDto = z
  .object({ id: Uuid, name: z.string(), active: z.boolean(), municipalities: z.array(MunicipalityDto) })
  .meta({ id: 'Area' });
export type AreaDto = z.infer<typeof AreaDto>;
export const AreaList = z.object({ areas: z.array(AreaDto) }).meta({ id: 'AreaList' });
export type AreaList = z.infer<typeof AreaList>;

export const CreateAreaRequest = z.strictObject({ name: name(80).pipe(z.string().min(1)) }).meta({ id: 'CreateAreaRequest' });
const notEmpty = (v: object) => Object.keys(v).length > 0;
export const UpdateAreaRequest = z
  .strictObject({ name: name(80).pipe(z.string().min(1)).optional(), active: z.boolean().optional() })
  .refine(notEmpty, 'Nothing to change')
  .meta({ id: 'UpdateAreaRequest' });
export const CreateMunicipalityRequest = z
  .strictObject({ name: name(80).pipe(z.string().min(1)), areaId: Uuid })
  .meta({ id: 'CreateMunicipalityRequest' });
export const UpdateMunicipalityRequest = z
  .strictObject({ areaId: Uuid.optional(), active: z.boolean().optional() })
  .refine(notEmpty, 'Nothing to change')
  .meta({ id: 'UpdateMunicipalityRequest' });

export const TaskCodeDto = z
  .object({
    code: TaskCodeValue,
    nameFi: z.string(),
    nameSv: z.string().nullable().describe('Null: the Swedish UI shows the Finnish name'),
    nameEn: z.string(),
    classesAllowed: z.array(Urgency),
    dCallbackCandidate: z.boolean(),
    active: z.boolean(),
  })
  .meta({ id: 'TaskCode' });
export type TaskCodeDto = z.infer<typeof TaskCodeDto>;
export const TaskCodeList = z.object({ taskCodes: z.array(TaskCodeDto) }).meta({ id: 'TaskCodeList' });
export type TaskCodeList = z.infer<typeof TaskCodeList>;
export const PutTaskCodeRequest = z
  .strictObject({
    nameFi: name(160).pipe(z.string().min(1)),
    nameSv: name(160).pipe(z.string().min(1)).nullable().optional().describe('Omitted: an existing Swedish name is kept'),
    nameEn: name(160).pipe(z.string().min(1)),
    classesAllowed: z.array(Urgency).min(1),
    dCallbackCandidate: z.boolean(),
    active: z.boolean().default(true),
  })
  .meta({ id: 'PutTaskCodeRequest' });
export const TaskCodeParams = z.strictObject({ code: TaskCodeValue });

export const RedFlagDto = z
  .object({ id: z.string(), labels: z.object({ fi: z.string(), sv: z.string(), en: z.string() }), active: z.boolean() })
  .meta({ id: 'RedFlag' });
export type RedFlagDto = z.infer<typeof RedFlagDto>;
export const RedFlagList = z.object({ redFlags: z.array(RedFlagDto) }).meta({ id: 'RedFlagList' });
export const RedFlagParams = z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'An identifier such as chest_pain') });
export const PutRedFlagRequest = z
  .strictObject({
    labels: z.strictObject({ fi: name(120).pipe(z.string().min(1)), sv: name(120).pipe(z.string().min(1)), en: name(120).pipe(z.string().min(1)) }),
    active: z.boolean().default(true),
  })
  .meta({ id: 'PutRedFlagRequest' });

export const UnknownTaskCodeList = z
  .object({
    unknownTaskCodes: z.array(
      z.object({ code: z.string(), tasks: z.number().int(), lastLabel: z.string().nullable(), lastReceivedAt: z.iso.datetime({ offset: true }) }),
    ),
  })
  .meta({ id: 'UnknownTaskCodeList' });
