import { z } from 'zod';
import { IsoDateTime, Role, Uuid, name } from './common.ts';

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'Use lower-case letters, digits, dot, dash or underscore');

/** Long enough to resist guessing; the console is reachable from a whole county's network. */
export const Password = z.string().min(12, 'At least 12 characters').max(256);

export const CreateUserRequest = z
  .strictObject({
    username: Username,
    password: Password,
    displayName: name(120).pipe(z.string().min(1)),
    role: Role,
  })
  .meta({ id: 'CreateUserRequest' });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z
  .strictObject({
    role: Role.optional(),
    active: z.boolean().optional(),
    password: Password.optional(),
    displayName: name(120).pipe(z.string().min(1)).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .meta({ id: 'UpdateUserRequest' });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const AdminUserDto = z
  .object({
    id: Uuid,
    username: z.string(),
    displayName: z.string(),
    role: Role,
    active: z.boolean(),
    lockedUntil: IsoDateTime.nullable(),
    createdAt: IsoDateTime,
    lastLoginAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'User' });
export type AdminUserDto = z.infer<typeof AdminUserDto>;

export const UserResponse = z.object({ user: AdminUserDto }).meta({ id: 'UserResponse' });
export const UserListResponse = z.object({ users: z.array(AdminUserDto) }).meta({ id: 'UserList' });
export type UserListResponse = z.infer<typeof UserListResponse>;

/** Who a nurse may hand her task to: the active nurses and shift leaders (no account details). */
export const ColleagueList = z
  .object({ colleagues: z.array(z.object({ id: Uuid, displayName: z.string(), role: z.enum(['nurse', 'shift_leader']) })) })
  .meta({ id: 'ColleagueList' });
export type ColleagueList = z.infer<typeof ColleagueList>;

export const IdParams = z.strictObject({ id: Uuid });
