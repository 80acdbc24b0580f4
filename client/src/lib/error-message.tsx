import { ApiError } from './api.ts';
import { errorText, useTranslation } from './i18n.ts';

function issues(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED' || !Array.isArray(err.details)) return [];
  const details: readonly unknown[] = err.details;
  const list: { path: string; message: string }[] = [];
  for (const item of details) {
    if (typeof item === 'object' && item !== null && 'message' in item && typeof item.message === 'string') {
      list.push({ path: 'path' in item && typeof item.path === 'string' ? item.path : '', message: item.message });
    }
  }
  return list;
}

/** A refused or failed request, in the reader's language, announced to screen readers. */
export function ErrorMessage({ error, id }: { error: unknown; id?: string }) {
  useTranslation(); // re-render on language change
  if (error === undefined || error === null) return null;
  const list = issues(error);
  return (
    <div className="message message-error" role="alert" id={id}>
      <p>{errorText(error)}</p>
      {list.length > 0 && (
        <ul>
          {list.map((issue, i) => (
            <li key={i}>{issue.path ? `${issue.path}: ${issue.message}` : issue.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A short confirmation that something was done. */
export function SuccessMessage({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="message message-success" role="status">
      <p>{text}</p>
    </div>
  );
}
