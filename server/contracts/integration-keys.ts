import { z } from 'zod';
import { IsoDateTime, Uuid, name } from './common.ts';

export const KeyScope = z.enum(['erc', 'referrals']).describe('erc: the ERC interface (/api/intake/*); referrals: one directory entry answering its referrals');

export const CreateIntegrationKeyRequest = z
  .strictObject({
    name: name(120).pipe(z.string().min(1)),
    scope: KeyScope.default('erc'),
    serviceId: Uuid.optional().describe('Required with scope referrals: the directory entry whose referrals the key answers'),
  })
  .refine((r) => (r.scope === 'referrals') === (r.serviceId !== undefined), { path: ['serviceId'], message: 'Required with scope referrals, and only then' })
  .meta({ id: 'CreateIntegrationKeyRequest' });
export type CreateIntegrationKeyRequest = z.infer<typeof CreateIntegrationKeyRequest>;

export const IntegrationKeyDto = z
  .object({
    id: Uuid,
    name: z.string(),
    prefix: z.string().describe('First characters of the key, to tell keys apart; the key itself is never shown again'),
    scope: KeyScope,
    serviceId: Uuid.nullable(),
    createdAt: IsoDateTime,
    revokedAt: IsoDateTime.nullable(),
    lastUsedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'IntegrationKey' });
export type IntegrationKeyDto = z.infer<typeof IntegrationKeyDto>;

export const CreatedIntegrationKey = z
  .object({ id: Uuid, name: z.string(), key: z.string().describe('Shown only in this response') })
  .meta({ id: 'CreatedIntegrationKey' });
export type CreatedIntegrationKey = z.infer<typeof CreatedIntegrationKey>;

export const IntegrationKeyList = z.object({ keys: z.array(IntegrationKeyDto) }).meta({ id: 'IntegrationKeyList' });
export type IntegrationKeyList = z.infer<typeof IntegrationKeyList>;
