import { useCallback, useRef, useState } from 'react';
import { ApiError, NETWORK_ERROR } from './api.ts';

/**
 * A fresh Idempotency-Key for one user action. crypto.randomUUID exists only in secure contexts
 * (https or localhost); on plain http inside a hospital network the key is built from getRandomValues.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Failures that say nothing about the request itself (no answer, a busy or failing server): sending it
 * again with the same key is safe, and may well succeed.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.code === NETWORK_ERROR || err.code === 'IDEMPOTENCY_IN_PROGRESS' || err.status >= 500;
}

export interface IdempotentAction {
  busy: boolean;
  error: unknown;
  /** True when the last failure can be retried safely with the same key. */
  canRetry: boolean;
  /**
   * Runs one user action with a new Idempotency-Key; `done` gets the result (also after a successful
   * retry). A failure is kept for display, not thrown. Ignored while another run is busy.
   */
  run<T>(request: (key: string) => Promise<T>, done?: (result: T) => void): Promise<void>;
  /** Sends the failed action again with the same key: the server replays its first answer if it got it. */
  retry(): Promise<void>;
  clear(): void;
}

interface Attempt {
  key: string;
  /** The request and what follows its success. */
  perform(key: string): Promise<void>;
}

/** State of one kind of user action that changes data on the server and may be retried safely. */
export function useIdempotentAction(): IdempotentAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [canRetry, setCanRetry] = useState(false);
  const busyRef = useRef(false);
  const failed = useRef<Attempt | null>(null);

  const execute = useCallback(async (attempt: Attempt) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(undefined);
    setCanRetry(false);
    try {
      await attempt.perform(attempt.key);
      failed.current = null;
    } catch (err) {
      const retryable = isRetryable(err);
      failed.current = retryable ? attempt : null;
      setError(err);
      setCanRetry(retryable);
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  const run = useCallback(
    <T,>(request: (key: string) => Promise<T>, done?: (result: T) => void) =>
      execute({
        key: newIdempotencyKey(),
        async perform(key) {
          const result = await request(key);
          done?.(result);
        },
      }),
    [execute],
  );

  const retry = useCallback(async () => {
    if (failed.current) await execute(failed.current);
  }, [execute]);

  const clear = useCallback(() => {
    failed.current = null;
    setError(undefined);
    setCanRetry(false);
  }, []);

  return { busy, error, canRetry, run, retry, clear };
}
