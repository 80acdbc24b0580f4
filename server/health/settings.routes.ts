import type { LifecycleConfig } from '../config.ts';
import { ROLES } from '../contracts/common.ts';
import { ClientSettings } from '../contracts/settings.ts';
import { defineRoute, type RouteDef } from '../http/route.ts';

export function settingsRoutes(config: LifecycleConfig): RouteDef[] {
  const settings: ClientSettings = {
    waitTargetsMinutes: [...config.waitTargetsMinutes],
    responseLimitMinutes: config.responseLimitMinutes,
    safetyMarginMinutes: config.safetyMarginMinutes,
    cResponseLimitMinutes: config.cResponseLimitMinutes,
    cSafetyMarginMinutes: config.cSafetyMarginMinutes,
    callbackMinutes: config.callbackMinutes,
    maxFailedCalls: config.maxFailedCalls,
    claimStaleSeconds: config.claimStaleSeconds,
    // Four heartbeats fit in the stale limit: one lost request never makes a claim look stale.
    heartbeatSeconds: Math.max(5, Math.floor(config.claimStaleSeconds / 4)),
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/settings',
      summary: 'The configured working rules clients display (waiting targets, response limit, heartbeat interval)',
      tag: 'health',
      access: { kind: 'session', roles: ROLES },
      responses: { 200: { description: 'Settings', schema: ClientSettings } },
      handle: () => ({ status: 200, body: settings }),
    }),
  ];
}
