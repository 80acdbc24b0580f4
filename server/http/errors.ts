import type { ValidationIssue } from '../contracts/common.ts';

/** A failure the client can act on: a status, a stable code and a message for people. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function validationError(issues: ValidationIssue[]): AppError {
  const summary = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
  return new AppError(422, 'VALIDATION_FAILED', `Invalid request: ${summary}`, issues);
}

export const notFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} not found`);

/** 409 STALE_VERSION: the record ("task", "review", "entry") changed since the client read it; details say the version now. */
export const staleVersion = (what: string, currentVersion: number) =>
  new AppError(409, 'STALE_VERSION', `The ${what} changed meanwhile: reload it and try again.`, { currentVersion });
