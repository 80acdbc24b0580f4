import type { Role } from '../contracts/common.ts';
import type { Audience } from './events.repository.ts';

/** Which roles see an event of each audience: sockets, GET /api/events and task histories agree. */
export const AUDIENCE_ROLES: Record<Audience, readonly Role[]> = {
  all: ['nurse', 'shift_leader'],
  shift_leader: ['shift_leader'],
};

export function audiencesFor(role: Role): Audience[] {
  return (Object.keys(AUDIENCE_ROLES) as Audience[]).filter((a) => AUDIENCE_ROLES[a].includes(role));
}
