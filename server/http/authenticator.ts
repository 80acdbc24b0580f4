import type { Request } from 'express';
import type { AuthService } from '../auth/auth.service.ts';
import { readSessionToken } from '../auth/session-cookie.ts';
import { AppError } from './errors.ts';
import type { Access, Authenticator } from './route.ts';

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Applies a route's access rule: 401 for no or bad credentials, 403 for a role the route does not admit. */
export function createAuthenticator(auth: AuthService): Authenticator {
  return {
    async resolve(access: Access, req: Request) {
      switch (access.kind) {
        case 'public':
          return { kind: 'anonymous' };
        case 'integration': {
          const integration = await auth.integrationForKey(bearer(req));
          if (!integration) throw new AppError(401, 'INVALID_INTEGRATION_KEY', 'A valid integration key is required: Authorization: Bearer <key>.');
          const scope = access.scope ?? 'erc';
          if (integration.scope !== scope) throw new AppError(403, 'KEY_SCOPE', `This key is limited to ${integration.scope === 'erc' ? 'the ERC interface' : 'referrals'}.`);
          return integration;
        }
        case 'session': {
          const user = await auth.userForToken(readSessionToken(req.headers.cookie));
          if (!user) throw new AppError(401, 'UNAUTHENTICATED', 'Your session has ended or you are not logged in. Log in again.');
          if (!access.roles.includes(user.role)) {
            throw new AppError(403, 'FORBIDDEN', `The role ${user.role} may not do this.`);
          }
          return user;
        }
      }
    },
  };
}
