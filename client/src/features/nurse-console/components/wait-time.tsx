import { useTranslation } from '../../../lib/i18n.ts';
import { useNow } from '../../../lib/use-now.ts';
import { formatWaited, waitLevel } from '../utils/wait-time.ts';

/**
 * Time waited since the ERC received the task, ticking; its colour and words change at the targets
 * and at the task's response limit (`responseDueAt`, the server's: a C-task's comes sooner).
 */
export function WaitTime({ receivedAt, responseDueAt, large = false }: { receivedAt: string; responseDueAt?: string; large?: boolean }) {
  const { t } = useTranslation();
  const now = useNow();
  const received = Date.parse(receivedAt);
  const waited = now - received;
  const { tone, targetMinutes } = waitLevel(waited, responseDueAt ? (Date.parse(responseDueAt) - received) / 60_000 : undefined);
  let label = '';
  if (targetMinutes !== null) {
    if (tone === 'near') label = t('nurse.wait.near', { minutes: targetMinutes });
    else if (tone === 'limit') label = t('nurse.wait.limit', { minutes: targetMinutes });
    else label = t('nurse.wait.over', { minutes: targetMinutes });
  }
  return (
    <span className={`wait wait-${tone}${large ? ' wait-large' : ''}`} data-tone={tone}>
      <span className="visually-hidden">{t('nurse.wait.waited')} </span>
      <span className="wait-time">{formatWaited(waited)}</span>
      {label && <span className="wait-label">{label}</span>}
    </span>
  );
}
