import { useCallback, useRef, useState } from 'react';

export interface Action {
  busy: boolean;
  error: unknown;
  /** Rendered on each call so that it follows the language. */
  success: (() => string) | null;
  /**
   * Runs one request; on success `done` may return the confirmation to show. Errors are kept for
   * display, not thrown. Resolves with the result, or undefined when the request failed.
   */
  run<T>(request: () => Promise<T>, done?: (result: T) => (() => string) | void): Promise<T | undefined>;
  clear(): void;
}

/** State of one user action (a form or a button): busy flag, the last error and confirmation. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [success, setSuccess] = useState<(() => string) | null>(null);
  const busyRef = useRef(false);

  const run = useCallback(async <T,>(request: () => Promise<T>, done?: (result: T) => (() => string) | void) => {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    setBusy(true);
    setError(undefined);
    setSuccess(null);
    try {
      const result = await request();
      const message = done?.(result);
      if (message) setSuccess(() => message);
      return result;
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  const clear = useCallback(() => {
    setError(undefined);
    setSuccess(null);
  }, []);

  return { busy, error, success, run, clear };
}
