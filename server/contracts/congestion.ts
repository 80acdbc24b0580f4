import { z } from 'zod';
import { IsoDateTime, text } from './common.ts';

/** Congestion mode: while on, intake also takes C-class tasks (with the C response target). */
export const CongestionModeDto = z
  .object({
    active: z.boolean(),
    version: z.number().int().describe('Moves on with every switch'),
    changedAt: IsoDateTime.nullable().describe('The last switch; null: never switched'),
    changedBy: z.string().nullable().describe("Who switched it last (a shift leader's display name)"),
    cResponseLimitMinutes: z.number().int().describe('The response target C-tasks get (C_RESPONSE_LIMIT_MINUTES)'),
  })
  .meta({ id: 'CongestionMode' });
export type CongestionModeDto = z.infer<typeof CongestionModeDto>;

export const CongestionModeResponse = z.object({ congestionMode: CongestionModeDto }).meta({ id: 'CongestionModeResponse' });

export const CongestionModeRequest = z
  .strictObject({
    active: z.boolean().describe('true: switch on; false: switch off. Asking for the state it is already in changes nothing'),
    reason: text(500).optional().describe('Why (kept in the audit trail and the history)'),
  })
  .meta({ id: 'CongestionModeRequest' });
