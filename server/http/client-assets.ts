import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ENCODED_SUFFIXES } from '../tools/precompress.ts';
import { assetNotFound } from './error-handler.ts';

// The built browser client (client/dist), served as a browser expects: the Brotli or gzip copy that
// the build wrote beside each text file when the browser accepts it, content-hashed files under
// /assets/ cached for a year, and the page itself (index.html, any client route) revalidated on every
// load so that a new version is picked up at once. Files are looked up per request, so a rebuild
// is served without a restart.

export type Encoding = keyof typeof ENCODED_SUFFIXES;

/** Brotli before gzip when a browser accepts both alike: smaller for the same text. */
const PREFERENCE: readonly Encoding[] = ['br', 'gzip'];
/** Vite names every file it writes under assets/ by a hash of its content. */
const HASHED = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
// Any GET the client routes in the browser (not the API, a built file, the health checks or the socket).
const CLIENT_ROUTE = /^\/(?!api\/|assets\/|healthz|readyz|socket\.io\/).*/;

interface ClientFile {
  /** The file's path under the client folder, e.g. assets/index-Ab12Cd.js. */
  relative: string;
  /** The compressed copies present, in order of preference. */
  encodings: readonly Encoding[];
}

/**
 * Which compressed copy to send for an Accept-Encoding header: the available one the browser weighs
 * highest (q > 0), Brotli before gzip on a tie; none when the browser sent no header, accepts neither,
 * or weighs `identity` (the file itself) higher. A missing or unreadable q counts as 1 or 0.
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name) weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  // The file itself is always acceptable, but below any coding the browser names (RFC 9110, 12.5.3).
  const identity = weights.get('identity') ?? weights.get('*') ?? 0;
  let best: Encoding | null = null;
  for (const encoding of available) {
    const weight = weightOf(encoding);
    if (weight > 0 && weight >= identity && (best === null || weight > weightOf(best))) best = encoding;
  }
  return best;
}

const isFile = (file: string) => stat(file).then((s) => s.isFile(), () => false);

/** The built file at a URL path with its compressed copies, or null (also for dot names and `..`). */
async function lookUp(dir: string, urlPath: string): Promise<ClientFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return null;
  const relative = segments.join('/');
  const full = path.join(dir, relative);
  const [exists, ...copies] = await Promise.all([isFile(full), ...PREFERENCE.map((e) => isFile(full + ENCODED_SUFFIXES[e]))]);
  if (!exists) return null;
  return { relative, encodings: PREFERENCE.filter((_, i) => copies[i]) };
}

function sendClientFile(dir: string, file: ClientFile, cacheControl: string, req: Request, res: Response, next: NextFunction): void {
  if (file.encodings.length > 0) res.vary('Accept-Encoding');
  const encoding = chooseEncoding(req.headers['accept-encoding'], file.encodings);
  res.setHeader('Cache-Control', cacheControl);
  // The type of the file itself, also when its compressed copy is what goes out.
  res.type(path.extname(file.relative));
  if (encoding) res.setHeader('Content-Encoding', encoding);
  const sent = encoding ? file.relative + ENCODED_SUFFIXES[encoding] : file.relative;
  // send() answers ETag, Last-Modified, 304, HEAD and Content-Length for the file it sends.
  res.sendFile(sent, { root: dir, cacheControl: false }, (err) => {
    if (err) next(err);
  });
}

/** Serves the built client from `dir` (when it exists); a missing file under /assets/ answers 404. */
export function clientAssets(dir: string): Router {
  const router = express.Router();
  if (existsSync(dir)) {
    router.use(async (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const file = await lookUp(dir, req.path);
      if (!file) return next();
      sendClientFile(dir, file, HASHED.test(req.path) ? IMMUTABLE : REVALIDATE, req, res, next);
    });
    router.get(CLIENT_ROUTE, async (req, res, next) => {
      const page = await lookUp(dir, '/index.html');
      if (!page) return next();
      sendClientFile(dir, page, REVALIDATE, req, res, next);
    });
  }
  router.use('/assets', assetNotFound);
  return router;
}
