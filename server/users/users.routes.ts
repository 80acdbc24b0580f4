import { ColleagueList, CreateUserRequest, IdParams, UpdateUserRequest, UserListResponse, UserResponse } from '../contracts/users.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { UsersService } from './users.service.ts';

const ADMIN = { kind: 'session', roles: ['admin'] } as const;

export function usersRoutes(users: UsersService): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/users',
      summary: 'Create a user',
      tag: 'users',
      access: ADMIN,
      body: CreateUserRequest,
      responses: { 201: { description: 'Created', schema: UserResponse }, 409: { description: 'USERNAME_TAKEN' } },
      async handle({ body, actor, ctx }) {
        const user = await users.create(body, actor, ctx);
        return { status: 201, body: { user }, headers: { Location: `/api/users/${user.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/colleagues',
      summary: 'The logged-in nurses and shift leaders other than you (to hand a task to)',
      tag: 'users',
      access: { kind: 'session', roles: ['nurse', 'shift_leader'] },
      responses: { 200: { description: 'Colleagues by name', schema: ColleagueList } },
      async handle({ actor }) {
        return { status: 200, body: { colleagues: await users.colleagues(actor) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users',
      summary: 'List users',
      tag: 'users',
      access: ADMIN,
      responses: { 200: { description: 'All users', schema: UserListResponse } },
      async handle() {
        return { status: 200, body: { users: await users.list() } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/users/{id}',
      summary: 'Change role, name or active flag, or reset the password (also unlocks)',
      tag: 'users',
      access: ADMIN,
      params: IdParams,
      body: UpdateUserRequest,
      responses: {
        200: { description: 'Updated', schema: UserResponse },
        404: { description: 'No such user' },
        409: { description: 'LAST_ADMIN or CANNOT_DEACTIVATE_SELF' },
      },
      async handle({ params, body, actor, ctx }) {
        return { status: 200, body: { user: await users.update(params.id, body, actor, ctx) } };
      },
    }),
  ];
}
