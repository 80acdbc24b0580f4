import type {
  DispositionDto,
  ProtocolDetail,
  ProtocolSet,
  ProtocolSummary,
  PutDraftRequest,
  CreateProtocolRequest,
} from '../../../../../server/contracts/protocols.ts';
import type { ProtocolReport } from '../../../../../server/contracts/protocol-report.ts';
import { api } from '../../../lib/api.ts';

// The protocol library and the disposition ladder.

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
const protocolPath = (id: string) => `/api/protocols/${encodeURIComponent(id)}`;

export async function listProtocols(signal?: AbortSignal): Promise<ProtocolSummary[]> {
  return (await api<{ protocols: ProtocolSummary[] }>('/api/protocols', withSignal(signal))).protocols;
}

export async function getProtocol(id: string, signal?: AbortSignal): Promise<ProtocolDetail> {
  return (await api<{ protocol: ProtocolDetail }>(protocolPath(id), withSignal(signal))).protocol;
}

export async function listDispositions(signal?: AbortSignal): Promise<DispositionDto[]> {
  return (await api<{ dispositions: DispositionDto[] }>('/api/reference/dispositions', withSignal(signal))).dispositions;
}

export function relabelDisposition(id: string, labels: DispositionDto['labels']): Promise<DispositionDto> {
  return api(`/api/reference/dispositions/${encodeURIComponent(id)}`, { method: 'PUT', body: { labels } });
}

/** Content typed by a person goes to the server as it is: the server validates it and names each problem's path. */
type WithTypedContent<T> = Omit<T, 'content'> & { content: unknown };

export async function createProtocol(body: WithTypedContent<CreateProtocolRequest>): Promise<ProtocolDetail> {
  return (await api<{ protocol: ProtocolDetail }>('/api/protocols', { method: 'POST', body })).protocol;
}

export async function saveDraft(id: string, body: WithTypedContent<PutDraftRequest>): Promise<ProtocolDetail> {
  return (await api<{ protocol: ProtocolDetail }>(`${protocolPath(id)}/draft`, { method: 'PUT', body })).protocol;
}

export async function approveVersion(id: string, version: number): Promise<ProtocolDetail> {
  return (await api<{ protocol: ProtocolDetail }>(`${protocolPath(id)}/versions/${version}/approve`, { method: 'POST' })).protocol;
}

export async function retireVersion(id: string, version: number): Promise<ProtocolDetail> {
  return (await api<{ protocol: ProtocolDetail }>(`${protocolPath(id)}/versions/${version}/retire`, { method: 'POST' })).protocol;
}

export function exportProtocols(): Promise<ProtocolSet> {
  return api('/api/protocols/export');
}

export function importProtocols(set: unknown): Promise<{ drafts: { id: string; version: number }[] }> {
  return api('/api/protocols/import', { method: 'POST', body: set });
}

export function fetchProtocolReport(range: { from: string; to: string }, signal?: AbortSignal): Promise<ProtocolReport> {
  return api('/api/reports/protocols', { query: range, ...withSignal(signal) });
}
