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

/**
 * Whether a browser page of `origin` is the console itself: one of the configured origins, or with
 * none configured, the origin whose host (and port) is the one the request was sent to. A page on
 * another port of the same host is same-site for cookies, but not this origin.
 */
export function isOwnOrigin(origin: string, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return allowedOrigins.length > 0 ? allowedOrigins.includes(url.origin) : url.host === host;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// What a browser says of a request the console's own pages make, or one the user typed or bookmarked.
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses API requests that a browser sent from another origin. For changes SameSite=Strict already
 * keeps the cookie off cross-site requests; but a page on the same site (another port of the same
 * host) does get the cookie, and a GET it makes (an image tag, say) would still write an audit row
 * such as task.read in the user's name. Non-browser clients send neither header and pass.
 */
export function refuseCrossSite(allowedOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const fetchSite = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const foreignSite = fetchSite !== undefined && !OWN_FETCH_SITES.has(fetchSite);
    const foreignOrigin = !SAFE_METHODS.has(req.method) && origin !== undefined && !isOwnOrigin(origin, req.headers.host, allowedOrigins);
    if (foreignSite || foreignOrigin) {
      return next(new AppError(403, 'CROSS_ORIGIN_REFUSED', 'Requests from another site or origin are refused.'));
    }
    next();
  };
}

/** Every /api answer may carry personal data: no browser or proxy may keep a copy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
