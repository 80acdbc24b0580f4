import { z } from 'zod';

/** The working rules clients show against (waiting colours, due times, heartbeats). */
export const ClientSettings = z
  .object({
    waitTargetsMinutes: z.array(z.number().int()),
    responseLimitMinutes: z.number().int(),
    safetyMarginMinutes: z.number().int(),
    cResponseLimitMinutes: z.number().int().describe('The C-class response limit (C-tasks are taken only in congestion mode)'),
    cSafetyMarginMinutes: z.number().int(),
    callbackMinutes: z.number().int(),
    maxFailedCalls: z.number().int(),
    claimStaleSeconds: z.number().int(),
    heartbeatSeconds: z.number().int().describe('How often the holder should send a heartbeat'),
  })
  .meta({ id: 'ClientSettings' });
export type ClientSettings = z.infer<typeof ClientSettings>;
