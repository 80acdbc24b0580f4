import type { ErrorBody } from '../../../server/contracts/common.ts';

/** Code used when the server could not be reached at all (no HTTP answer). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

/** A refused or failed API call: `code` is the server's stable code, `message` its text for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type QueryValue = string | number | undefined | null;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Sent as the Idempotency-Key header: the server answers a retry with the same key as it did the first time. */
  idempotencyKey?: string;
}

let onUnauthenticated: (() => void) | null = null;

/** Called when any request answers 401 UNAUTHENTICATED: the session expired or was ended. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

/**
 * Calls the JSON API on this origin with the session cookie. Resolves with the parsed body
 * (undefined for 204); rejects with an ApiError for every non-2xx answer and for network failures.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiWithStatus<T>(path, options)).body;
}

/** As api(), also telling which success status answered (e.g. 201 created or 200 already there). */
export async function apiWithStatus<T>(path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
  const { method = 'GET', body, query, signal, idempotencyKey } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : 'Network request failed');
  }
  if (response.status === 204) return { status: 204, body: undefined as T };
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    if (isErrorBody(parsed)) {
      const { code, message, details } = parsed.error;
      if (response.status === 401 && code === 'UNAUTHENTICATED' && path !== '/api/auth/me') onUnauthenticated?.();
      throw new ApiError(response.status, code, message, details);
    }
    throw new ApiError(response.status, response.status >= 500 ? 'INTERNAL' : 'HTTP_ERROR', `HTTP ${response.status}`);
  }
  // Trust boundary: the server validates its own responses against the shared contracts.
  return { status: response.status, body: parsed as T };
}
