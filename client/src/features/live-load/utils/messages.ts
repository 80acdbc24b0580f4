import { backOfficeMessages } from '../../../lib/i18n.ts';
import type { fiBackOffice } from '../../../lib/locales/fi-back-office.ts';

/** Whether `key` is one of the object's own keys: narrows a server-given string to a message key. */
export function isMessageKey<T extends object>(messages: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(messages, key);
}

/** Event types such as "task.call_attempted" are keyed with underscores ("task_call_attempted"). */
type EventTypeKey = Extract<keyof typeof fiBackOffice.live.detail.eventTypes, string>;

export function eventTypeKey(type: string): EventTypeKey | null {
  const key = type.replace(/\./g, '_');
  return isMessageKey(backOfficeMessages().live.detail.eventTypes, key) ? key : null;
}

type RedirectTargetKey = Extract<keyof typeof fiBackOffice.live.outcomes.targets, string>;

export function redirectTargetKey(target: string): RedirectTargetKey | null {
  return isMessageKey(backOfficeMessages().live.outcomes.targets, target) ? target : null;
}
