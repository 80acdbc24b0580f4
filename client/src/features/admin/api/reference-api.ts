import type { AreaDto, AreaList, TaskCodeDto, TaskCodeList } from '../../../../../server/contracts/reference.ts';
import { api } from '../../../lib/api.ts';

type MunicipalityDto = AreaDto['municipalities'][number];

export async function listAreas(signal?: AbortSignal): Promise<AreaDto[]> {
  const { areas } = await api<AreaList>('/api/reference/areas', signal ? { signal } : {});
  return areas;
}

export async function listTaskCodes(signal?: AbortSignal): Promise<TaskCodeDto[]> {
  const { taskCodes } = await api<TaskCodeList>('/api/reference/task-codes', signal ? { signal } : {});
  return taskCodes;
}

export function createArea(name: string): Promise<AreaDto> {
  return api<AreaDto>('/api/reference/areas', { method: 'POST', body: { name } });
}

export function createMunicipality(name: string, areaId: string): Promise<MunicipalityDto> {
  return api<MunicipalityDto>('/api/reference/municipalities', { method: 'POST', body: { name, areaId } });
}

export function updateMunicipality(id: string, change: { areaId?: string; active?: boolean }): Promise<MunicipalityDto> {
  return api<MunicipalityDto>(`/api/reference/municipalities/${encodeURIComponent(id)}`, { method: 'PATCH', body: change });
}

/** Saves the whole task code (the API replaces it). */
export function putTaskCode({ code, ...rest }: TaskCodeDto): Promise<TaskCodeDto> {
  return api<TaskCodeDto>(`/api/reference/task-codes/${encodeURIComponent(code)}`, { method: 'PUT', body: rest });
}
