import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from './errors.ts';

/** Security headers and a strict content security policy: the client is built to need nothing inline. */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  crossOriginEmbedderPolicy: false,
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent from another site. SameSite=Strict already
 * keeps the cookie off them; this is the second lock on the same door.
 */
export const refuseCrossSite: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const origin = req.headers.origin;
  const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
  let foreignOrigin = false;
  if (origin) {
    try {
      foreignOrigin = new URL(origin).host !== req.headers.host;
    } catch {
      foreignOrigin = true;
    }
  }
  if (crossSite || foreignOrigin) {
    return next(new AppError(403, 'CROSS_ORIGIN_REFUSED', 'Requests from another site are refused.'));
  }
  next();
};
