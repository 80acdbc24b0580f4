import { z } from 'zod';
import { Role, Uuid, name } from './common.ts';

export const LoginRequest = z
  .strictObject({
    username: name(64).pipe(z.string().min(1)),
    password: z.string().min(1).max(256),
  })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const UserDto = z
  .object({
    id: Uuid,
    username: z.string(),
    displayName: z.string(),
    role: Role,
  })
  .meta({ id: 'SessionUser' });
export type UserDto = z.infer<typeof UserDto>;

export const SessionResponse = z.object({ user: UserDto }).meta({ id: 'SessionResponse' });
export type SessionResponse = z.infer<typeof SessionResponse>;
