import { LoginRequest, SessionResponse } from '../contracts/auth.ts';
import { ROLES } from '../contracts/common.ts';
import type { Config } from '../config.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';
import type { AuthService } from './auth.service.ts';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session-cookie.ts';

export function authRoutes(auth: AuthService, config: Config): RouteDef[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in; sets the HttpOnly session cookie',
      tag: 'auth',
      access: { kind: 'public' },
      body: LoginRequest,
      responses: {
        200: { description: 'Logged in', schema: SessionResponse },
        401: {
          description:
            'INVALID_CREDENTIALS: the one answer to every refused login (unknown name, wrong password, inactive account, or an account that is throttled or locked after repeated failures, even with the right password), so answers reveal neither names nor passwords',
        },
      },
      async handle({ body, req, res, ctx }) {
        const { user, token } = await auth.login(body, readSessionToken(req.headers.cookie), ctx);
        setSessionCookie(res, token, config.cookieSecure);
        return { status: 200, body: { user } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'End this session on every device and socket that uses it',
      tag: 'auth',
      access: { kind: 'session', roles: ROLES },
      responses: { 204: { description: 'Logged out' } },
      async handle({ actor, ctx, res }) {
        await auth.logout(actor, ctx);
        clearSessionCookie(res, config.cookieSecure);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      summary: 'The logged-in user',
      tag: 'auth',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'The session user', schema: SessionResponse } },
      handle({ actor }) {
        return { status: 200, body: { user: { id: actor.id, username: actor.username, displayName: actor.displayName, role: actor.role } } };
      },
    }),
  ];
}
