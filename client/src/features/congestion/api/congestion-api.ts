import type { CongestionModeDto } from '../../../../../server/contracts/congestion.ts';
import { api } from '../../../lib/api.ts';

export async function getCongestionMode(signal?: AbortSignal): Promise<CongestionModeDto> {
  const { congestionMode } = await api<{ congestionMode: CongestionModeDto }>('/api/congestion-mode', signal ? { signal } : {});
  return congestionMode;
}

export async function setCongestionMode(input: { active: boolean; reason?: string }, key: string): Promise<CongestionModeDto> {
  const { congestionMode } = await api<{ congestionMode: CongestionModeDto }>('/api/congestion-mode', { method: 'PUT', body: input, idempotencyKey: key });
  return congestionMode;
}
