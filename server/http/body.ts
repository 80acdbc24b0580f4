import type { Request, Response } from 'express';
import express from 'express';
import { AppError } from './errors.ts';

/** The body limit of every route that does not declare its own. */
export const DEFAULT_BODY_LIMIT = '256kb';

/** Deeper than any request the API defines (the import's rows are 4 levels deep); absurd depth is an attack. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/** Whether raw JSON nests deeper than `max`: one pass over the bytes, before anything is parsed. */
export function nestsDeeperThan(raw: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPEN.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(c)) {
      depth--;
    }
  }
  return false;
}

function refuseDeepJson(_req: Request, _res: Response, raw: Buffer): void {
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 422, type: 'entity.too.deep' });
  }
}

type Parser = ReturnType<typeof express.json>;
const parsers = new Map<string, Parser>();

function parserFor(limit: string): Parser {
  let parser = parsers.get(limit);
  if (!parser) {
    // No inflate: a compressed body is refused (415) rather than expanded, so the limit is the real size.
    parser = express.json({ limit, inflate: false, verify: refuseDeepJson });
    parsers.set(limit, parser);
  }
  return parser;
}

/** A request carries a body unless it says it has none (no length, or length 0, and no chunking). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads a JSON request body into `req.body`. Called only after the caller was authenticated and
 * admitted, so an anonymous client cannot make the server read or parse anything. A body that is
 * not JSON is refused (415) rather than treated as empty; no body at all is fine.
 */
export async function readJsonBody(req: Request, res: Response, limit: string): Promise<void> {
  // A client that went away while it was being authenticated: the parser would see a finished
  // request and hand the route an empty body, acting (claiming a task, say) for nobody.
  if (req.readableAborted || req.destroyed) throw Object.assign(new Error('request aborted'), { type: 'request.aborted' });
  if (!hasBody(req)) return;
  if (!req.is('application/json')) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON (Content-Type: application/json).');
  }
  await new Promise<void>((resolve, reject) => {
    parserFor(limit)(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });
}
