import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Config } from './config.ts';
import type { CacheInvalidation } from './db/cache-invalidation.ts';
import type { Db } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics/metrics.ts';
import { requestLogger } from './logger.ts';
import type { Publisher } from './realtime/publisher.ts';
import { createAuthenticator } from './http/authenticator.ts';
import { clientAssets } from './http/client-assets.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { buildOpenApi } from './http/openapi.ts';
import { defineRoute, mountRoutes, type RouteDef } from './http/route.ts';
import { noStore, refuseCrossSite, securityHeaders } from './http/security.ts';
import { congestionRoutes } from './congestion/congestion.routes.ts';
import { createCongestionService } from './congestion/congestion.service.ts';
import { contactsRoutes } from './contacts/contacts.routes.ts';
import { createContactsService } from './contacts/contacts.service.ts';
import { followUpsRoutes } from './follow-ups/follow-ups.routes.ts';
import { createFollowUpsService } from './follow-ups/follow-ups.service.ts';
import { referralsRoutes } from './referrals/referrals.routes.ts';
import { createReferralsService } from './referrals/referrals.service.ts';
import { servicesRoutes } from './services/services.routes.ts';
import { createServicesService } from './services/services.service.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { createAuditReportService } from './audits/audit-report.ts';
import { auditsRoutes } from './audits/audits.routes.ts';
import { auditRoles, createAuditsService } from './audits/audits.service.ts';
import { createAuditService } from './audit/audit.service.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { createAuthService, type AuthService } from './auth/auth.service.ts';
import { healthRoutes } from './health/health.routes.ts';
import { settingsRoutes } from './health/settings.routes.ts';
import { importRoutes } from './import/import.routes.ts';
import { createImportService } from './import/import.service.ts';
import { createPhoneHasher, startPhoneHashFill } from './reports/phone-hash.ts';
import { reportsRoutes } from './reports/reports.routes.ts';
import { createReportsService } from './reports/reports.service.ts';
import { intakeRoutes } from './intake/intake.routes.ts';
import { eventsRoutes } from './events/events.routes.ts';
import type { LiveStatsService } from './stats/live-stats.service.ts';
import { statsRoutes } from './stats/stats.routes.ts';
import { createDispatchService } from './tasks/dispatch.service.ts';
import { createFieldCommanderService } from './tasks/field-commander.service.ts';
import { createIntakeService } from './tasks/intake.service.ts';
import { tasksRoutes } from './tasks/tasks.routes.ts';
import { createTasksService } from './tasks/tasks.service.ts';
import { integrationKeysRoutes } from './integration-keys/integration-keys.routes.ts';
import { createIntegrationKeysService } from './integration-keys/integration-keys.service.ts';
import { createKeyCache } from './integration-keys/key-cache.ts';
import { createProtocolReportService } from './protocols/protocol-report.service.ts';
import { protocolsRoutes } from './protocols/protocols.routes.ts';
import { createProtocolsService } from './protocols/protocols.service.ts';
import { referenceRoutes } from './reference/reference.routes.ts';
import { createReferenceCache } from './reference/reference-cache.ts';
import { createReferenceService } from './reference/reference.service.ts';
import { usersRoutes } from './users/users.routes.ts';
import { createUsersService } from './users/users.service.ts';

export const CLIENT_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../client/dist');

export interface AppDeps {
  db: Db;
  /** This node's cache state, kept in step with every node's changes through NOTIFY. */
  caches: CacheInvalidation;
  config: Config;
  logger: Logger;
  publisher: Publisher;
  liveStats: LiveStatsService;
  metrics: Metrics;
}

export interface AppParts {
  app: Express;
  routes: readonly RouteDef[];
  auth: AuthService;
}

/** Builds the HTTP application; never listens, so tests can drive it directly. */
export function createApp({ db, caches, config, logger, publisher, liveStats, metrics }: AppDeps): AppParts {
  const auth = createAuthService(db, config, publisher, metrics.login, createKeyCache(db, caches));
  const phoneHasher = createPhoneHasher(db, config.reports.phoneHashKey);
  startPhoneHashFill(db, phoneHasher, logger);
  const intake = createIntakeService(db, config.lifecycle, publisher, phoneHasher);
  const routes: RouteDef[] = [
    ...healthRoutes(db),
    ...settingsRoutes(config.lifecycle),
    ...authRoutes(auth, config),
    ...usersRoutes(createUsersService(db, publisher, config.session.idleMinutes)),
    ...integrationKeysRoutes(createIntegrationKeysService(db, caches)),
    ...auditRoutes(createAuditService(db)),
    ...referenceRoutes(createReferenceService(db, caches)),
    ...protocolsRoutes(createProtocolsService(db), createProtocolReportService(db, config.reports)),
    ...intakeRoutes(intake, createDispatchService(db, config.lifecycle, publisher), createFieldCommanderService(db, config.lifecycle, publisher)),
    ...tasksRoutes(createTasksService(db, config.lifecycle, publisher, config.session.idleMinutes, createReferenceCache(db, caches)), intake),
    ...contactsRoutes(createContactsService(db)),
    ...servicesRoutes(createServicesService(db)),
    ...referralsRoutes(createReferralsService(db, config.lifecycle, publisher)),
    ...congestionRoutes(createCongestionService(db, config.lifecycle, publisher)),
    ...followUpsRoutes(createFollowUpsService(db, config.lifecycle, publisher, config.session.idleMinutes)),
    ...eventsRoutes(db),
    ...reportsRoutes(createReportsService(db, config.reports)),
    ...importRoutes(createImportService(db, config.lifecycle, phoneHasher)),
    ...statsRoutes(liveStats),
    ...auditsRoutes(createAuditsService(db, config.audit, config.lifecycle, publisher), createAuditReportService(db), auditRoles(config.audit)),
  ];
  const openApi = buildOpenApi(
    [
      ...routes,
      defineRoute({
        method: 'get',
        path: '/api/openapi.json',
        summary: 'This document',
        tag: 'health',
        access: { kind: 'public' },
        responses: { 200: { description: 'OpenAPI 3.1' } },
        handle: () => ({ status: 200 }),
      }),
    ],
    { title: 'D-task triage console API', version: '1' },
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogger(logger));
  app.use(securityHeaders);
  app.use('/api', refuseCrossSite(config.allowedOrigins), noStore);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  const router = express.Router();
  mountRoutes(router, routes, { auth: createAuthenticator(auth), db, checkReplies: config.env !== 'production' });
  app.use(router);
  app.use('/api', apiNotFound);
  app.use(clientAssets(CLIENT_DIST));
  app.use(errorHandler);
  return { app, routes, auth };
}
