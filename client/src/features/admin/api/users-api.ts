import type { AdminUserDto, CreateUserRequest, UpdateUserRequest, UserListResponse } from '../../../../../server/contracts/users.ts';
import { api } from '../../../lib/api.ts';

export async function listUsers(signal?: AbortSignal): Promise<AdminUserDto[]> {
  const { users } = await api<UserListResponse>('/api/users', signal ? { signal } : {});
  return users;
}

export async function createUser(input: CreateUserRequest): Promise<AdminUserDto> {
  const { user } = await api<{ user: AdminUserDto }>('/api/users', { method: 'POST', body: input });
  return user;
}

export async function updateUser(id: string, change: UpdateUserRequest): Promise<AdminUserDto> {
  const { user } = await api<{ user: AdminUserDto }>(`/api/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: change });
  return user;
}
