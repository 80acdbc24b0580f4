import { z } from 'zod';
import { IsoDateTime, Uuid, text } from './common.ts';
import { REDIRECT_TARGETS } from './tasks.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM, 00:00-24:00');
/** One opening period of a Helsinki day; `to` 24:00 is midnight at the day's end. */
export const OpeningPeriod = z
  .strictObject({ from: Clock, to: Clock })
  .refine((p) => p.from < p.to, { message: 'from must be before to', path: ['to'] })
  .meta({ id: 'OpeningPeriod' });
export type OpeningPeriod = z.infer<typeof OpeningPeriod>;
const Periods = z.array(OpeningPeriod).max(6);

export const OpeningHours = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, Periods.default([])])) as Record<(typeof WEEKDAYS)[number], z.ZodDefault<typeof Periods>>)
  .meta({ id: 'OpeningHours', description: 'Per weekday, in Helsinki time; a day without periods is closed' });
export type OpeningHours = z.output<typeof OpeningHours>;

export const OpeningException = z
  .strictObject({ date: z.iso.date(), hours: Periods.describe('That day instead of its weekday; empty = closed'), note: text(200).optional() })
  .meta({ id: 'OpeningException' });

export const ServiceFields = z.strictObject({
  name: text(200).pipe(z.string().min(1)),
  targetType: z.enum(REDIRECT_TARGETS),
  areaIds: z.array(Uuid).max(50).default([]).describe('Areas served (every municipality in them)'),
  municipalityIds: z.array(Uuid).max(200).default([]).describe('Single municipalities served'),
  openingHours: OpeningHours,
  exceptions: z.array(OpeningException).max(100).default([]),
  phone: text(40).optional(),
  notes: text(1000).optional(),
  active: z.boolean().default(true),
});
export const CreateServiceRequest = ServiceFields.meta({ id: 'CreateServiceRequest' });
export type CreateServiceRequest = z.output<typeof CreateServiceRequest>;
export const UpdateServiceRequest = ServiceFields.extend({ version: z.number().int().min(1) }).meta({ id: 'UpdateServiceRequest' });
export type UpdateServiceRequest = z.output<typeof UpdateServiceRequest>;

export const ServiceDto = z
  .object({
    id: Uuid,
    name: z.string(),
    targetType: z.enum(REDIRECT_TARGETS),
    areaIds: z.array(Uuid),
    municipalityIds: z.array(Uuid),
    openingHours: OpeningHours,
    exceptions: z.array(OpeningException),
    phone: z.string().nullable(),
    notes: z.string().nullable(),
    example: z.boolean().describe('Part of the shipped EXAMPLE directory: not a real service'),
    active: z.boolean(),
    version: z.number().int(),
    openNow: z.boolean().describe('Open at the time of the answer (Helsinki time, exceptions applied)'),
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Service' });
export type ServiceDto = z.infer<typeof ServiceDto>;

export const ServiceQuery = z
  .strictObject({
    municipality: text(80).optional().describe("Only entries serving this municipality (by name), open now first"),
    target: z.enum(REDIRECT_TARGETS).optional(),
    includeInactive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .meta({ id: 'ServiceQuery' });
export type ServiceQuery = z.output<typeof ServiceQuery>;

export const ServiceList = z
  .object({ services: z.array(ServiceDto), anyOpen: z.boolean().describe('Whether any listed entry is open now') })
  .meta({ id: 'ServiceList' });
export const ServiceResponse = z.object({ service: ServiceDto }).meta({ id: 'ServiceResponse' });
export const ServiceIdParams = z.strictObject({ id: Uuid });
