import type { Role } from '../../../server/contracts/common.ts';

/** Every role, lowest privilege first (the order of the role pickers). */
export const ROLES = ['nurse', 'shift_leader', 'manager', 'medical_director', 'admin'] as const satisfies readonly Role[];

// Fails to compile if the server gains a role that is missing above.
type AssertNever<T extends never> = T;
export type AllRolesListed = AssertNever<Exclude<Role, (typeof ROLES)[number]>>;

export function isRole(value: string): value is Role {
  return ROLES.some((role) => role === value);
}
