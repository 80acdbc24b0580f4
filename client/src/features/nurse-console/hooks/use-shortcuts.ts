import { useEffect, useEffectEvent } from 'react';

/**
 * The console's keyboard shortcuts. A single key works when focus is not in a text field; with Alt
 * it works anywhere (Alt+N while typing a note). Call results (1-5) are the exception: a plain digit
 * counts only while focus is in the call section, so a stray key elsewhere (on a red-flag checkbox)
 * records nothing; Alt+1-5 works anywhere. Ctrl+Enter asks to record the outcome from any field.
 */
export type Shortcut = 'next' | 'manual' | 'close' | 'outcome' | 'call1' | 'call2' | 'call3' | 'call4' | 'call5' | 'submit';

/** Marks the call section: plain digits record call results only inside it. */
export const CALL_SECTION_ATTRIBUTE = 'data-call-section';

const CALLS = ['call1', 'call2', 'call3', 'call4', 'call5'] as const satisfies readonly Shortcut[];

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

/** The shortcut a key press means, or null. */
export function shortcutFor(event: KeyboardEvent): Shortcut | null {
  if (event.isComposing) return null;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key === 'Enter') return 'submit';
  const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
  const withAlt = event.altKey && !event.ctrlKey && !event.metaKey;
  if (!withAlt && !(plain && !isEditable(event.target))) return null;
  if (plain && event.key === 'Escape') return 'close';
  // event.code: the key's place, so Alt+1 works on keyboards where Alt changes the character.
  if (event.code === 'KeyN') return 'next';
  if (event.code === 'KeyM') return 'manual';
  if (event.code === 'KeyO') return 'outcome';
  const digit = /^(?:Digit|Numpad)([1-5])$/.exec(event.code);
  if (!digit) return null;
  const inCallSection = event.target instanceof Element && event.target.closest(`[${CALL_SECTION_ATTRIBUTE}]`) !== null;
  return withAlt || inCallSection ? (CALLS[Number(digit[1]) - 1] ?? null) : null;
}

/** Calls the handler of each shortcut pressed on the page; none while a modal dialog is open. */
export function useShortcuts(handlers: Partial<Record<Shortcut, () => void>>): void {
  const handle = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || document.querySelector('dialog[open]')) return;
    const shortcut = shortcutFor(event);
    const handler = shortcut ? handlers[shortcut] : undefined;
    if (!handler) return;
    event.preventDefault();
    handler();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => handle(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
