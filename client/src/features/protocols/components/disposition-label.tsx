import type { DispositionDto } from '../../../../../server/contracts/protocols.ts';
import type { Language } from '../../../../../server/protocols/evaluator.ts';

/** A rung of the ladder by its admin-editable label in the UI language. */
export function dispositionLabel(ladder: readonly DispositionDto[], id: string | null, language: Language): string {
  if (id === null) return '—';
  return ladder.find((d) => d.id === id)?.labels[language] ?? id;
}
