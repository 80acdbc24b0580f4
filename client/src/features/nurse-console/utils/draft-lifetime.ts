// How long the nurse's drafts (draft-store.ts) stay in this browser. Apart from the drafts' reading
// and writing, so the session and the queue page can forget them without loading the task view's forms.

export const DRAFT_PREFIX = 'dtask.nurse.draft.';
export const DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {};
}

/** Forgets drafts older than a day (tasks long closed elsewhere); patient data does not linger in the browser. */
export function purgeOldDrafts(): void {
  try {
    const now = Date.now();
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const key = window.localStorage.key(i);
      if (!key?.startsWith(DRAFT_PREFIX)) continue;
      const savedAt = record(JSON.parse(window.localStorage.getItem(key) ?? '{}')).savedAt;
      if (typeof savedAt !== 'number' || now - savedAt > DRAFT_MAX_AGE_MS) window.localStorage.removeItem(key);
    }
  } catch {
    // Best effort.
  }
}

/**
 * Forgets every draft in this browser: called when a session ends (logout, expiry, ended by the
 * server) so that the next person to log in on this browser cannot read the patient data in them.
 */
export function clearDrafts(): void {
  try {
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const key = window.localStorage.key(i);
      if (key?.startsWith(DRAFT_PREFIX)) window.localStorage.removeItem(key);
    }
  } catch {
    // Nothing to clear where storage is disabled.
  }
}
