import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody } from '../contracts/common.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { AppError } from './errors.ts';

function send(res: Parameters<RequestHandler>[1], status: number, error: ErrorBody['error']): void {
  res.status(status).json({ error } satisfies ErrorBody);
}

/** Unknown /api paths answer in the API's error shape rather than with the client's index page. */
export const apiNotFound: RequestHandler = (req, res) => {
  // originalUrl: under app.use('/api') req.path has lost its mount point.
  send(res, 404, { code: 'NOT_FOUND', message: `No API route ${req.method} ${req.originalUrl.split('?')[0]}` });
};

/** A built file that does not exist (a source map, an old bundle name) is missing, not the app's page. */
export const assetNotFound: RequestHandler = (_req, res) => {
  res.status(404).type('text/plain').send('Not found');
};

/** The one place that turns any failure into the API's error shape. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof AppError) {
    if (err.status >= 500) req.log.error({ err }, 'request failed');
    send(res, err.status, { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) });
    return;
  }
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
  if (type === 'request.aborted') {
    // The client went away mid-upload: nobody to answer, and nothing went wrong here.
    req.log.debug('client aborted the request');
    return;
  }
  if (type === 'entity.too.deep') {
    send(res, 422, { code: 'JSON_TOO_DEEP', message: 'The request body nests deeper than any request of this API' });
    return;
  }
  if (type === 'entity.parse.failed') {
    send(res, 400, { code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
    return;
  }
  if (type === 'entity.too.large') {
    send(res, 413, { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' });
    return;
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    send(res, 415, { code: 'UNSUPPORTED_ENCODING', message: 'Send the body as UTF-8 JSON' });
    return;
  }
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ code: (err as { code?: string }).code }, 'database unavailable');
    send(res, 503, { code: 'DATABASE_UNAVAILABLE', message: 'The database cannot be reached. A change may not have been saved: try again shortly with the same Idempotency-Key, or reload and check.' });
    return;
  }
  req.log.error({ err }, 'unhandled error');
  send(res, 500, { code: 'INTERNAL', message: 'Something went wrong on the server. A change may not have been saved: reload and check before trying again.' });
};
