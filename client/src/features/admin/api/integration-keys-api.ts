import type { CreatedIntegrationKey, IntegrationKeyDto, IntegrationKeyList } from '../../../../../server/contracts/integration-keys.ts';
import { api } from '../../../lib/api.ts';

export async function listKeys(signal?: AbortSignal): Promise<IntegrationKeyDto[]> {
  const { keys } = await api<IntegrationKeyList>('/api/integration-keys', signal ? { signal } : {});
  return keys;
}

/** The answer holds the key itself; the server never shows it again. */
export function createKey(input: { name: string; scope: 'erc' | 'referrals'; serviceId?: string }): Promise<CreatedIntegrationKey> {
  return api<CreatedIntegrationKey>('/api/integration-keys', { method: 'POST', body: input });
}

export function revokeKey(id: string): Promise<IntegrationKeyDto> {
  return api<IntegrationKeyDto>(`/api/integration-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
