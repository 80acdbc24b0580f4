import type { Role } from '../contracts/common.ts';

/** Who is acting: every audit row and every permission check starts from one of these. */
export type UserActor = { kind: 'user'; id: string; username: string; displayName: string; role: Role; sessionId: string };
/** An integration key: for the ERC interface, or limited to the referrals of one directory entry. */
export type IntegrationActor = { kind: 'integration'; id: string; name: string; scope: 'erc' | 'referrals'; serviceId: string | null };
export type SystemActor = { kind: 'system' };
export type CliActor = { kind: 'cli'; name: string };
export type AnonymousActor = { kind: 'anonymous' };
export type Actor = UserActor | IntegrationActor | SystemActor | CliActor | AnonymousActor;

/** Where a request came from, recorded with the audit row it causes. */
export interface RequestContext {
  requestId: string | null;
  clientIp: string | null;
}

export const SYSTEM: SystemActor = { kind: 'system' };
export const NO_REQUEST: RequestContext = { requestId: null, clientIp: null };
