/**
 * A count on a dock tab, seen while another panel is in front: the dead letters held now on Dead
 * letters, the problems on Problems (red with an error among them). A burst that lost 904 messages
 * had left both tabs as they were, the count only in the status bar. The number is hidden from
 * assistive technology (the tab keeps its name); in words, it describes the tab.
 */
import { useLive } from '../../state/live';
import { countOf, formatCompact, formatCount } from '../design/format';
import type { PanelId } from './dockLayout';
import { useProblems } from './ProblemsPanel';

/** What a tab's badge says: its level, its text and its title in words; null for none. */
export interface BadgeInfo {
  level: 'crit' | 'warn' | 'settled';
  text: string;
  title: string;
}

/** The panels whose tab can have a count. */
export const BADGED_PANELS: ReadonlySet<PanelId> = new Set<PanelId>(['deadletters', 'problems']);

/** A tab's count; `inMenu`: in a pane's overflow menu, beside the tab's name there. */
export function PanelBadge({ id, inMenu = false }: { id: PanelId; inMenu?: boolean }) {
  if (id === 'deadletters') return <DeadLettersBadge inMenu={inMenu} />;
  if (id === 'problems') return <ProblemsBadge inMenu={inMenu} />;
  return null;
}

function useDeadLettersBadge(): BadgeInfo | null {
  const held = useLive((s) => s?.deadLetters.count ?? 0);
  if (held === 0) return null;
  return {
    level: 'crit',
    text: formatCompact(held),
    title: `${countOf(held, 'dead letter')} held`,
  };
}

function useProblemsBadge(): BadgeInfo | null {
  const { problems, live } = useProblems();
  const n = problems.length + live.length;
  if (n === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  // Every one a loss that is history (nothing of it held any more): grey, not amber.
  const settled = problems.length === 0 && live.every((p) => p.settled);
  return {
    level: errors > 0 ? 'crit' : settled ? 'settled' : 'warn',
    text: formatCount(n),
    title: `${countOf(n, 'problem')}${errors > 0 ? `, ${countOf(errors, 'error')}` : ''}${settled ? ', all settled: nothing of them is held any more' : ''}`,
  };
}

/**
 * The badges of the panels that have one, by panel: for a pane's overflow menu, which lists tabs
 * it has no room for (a tab there had its count out of sight: "Dead letters 10.0 K" under +2).
 */
export function useBadges(): Partial<Record<PanelId, BadgeInfo>> {
  const deadletters = useDeadLettersBadge();
  const problems = useProblemsBadge();
  return {
    ...(deadletters ? { deadletters } : {}),
    ...(problems ? { problems } : {}),
  };
}

function DeadLettersBadge({ inMenu }: { inMenu: boolean }) {
  return placed(useDeadLettersBadge(), 'deadletters', inMenu);
}

function ProblemsBadge({ inMenu }: { inMenu: boolean }) {
  return placed(useProblemsBadge(), 'problems', inMenu);
}

/**
 * A panel's badge where it goes: in a pane's overflow menu the count alone, while there is one; on
 * its tab, always, with the words that describe the tab (and its test id, `badge-<panel>`).
 */
function placed(b: BadgeInfo | null, panel: PanelId, inMenu: boolean) {
  if (inMenu) return b && <Badge {...b} />;
  return <Badge {...b} testId={`badge-${panel}`} id={badgeId(panel)} />;
}

/** The id of a tab's description, its badge's count in words (`aria-describedby`, Dock.tsx). */
export const badgeId = (id: PanelId): string => `tab-badge-${id}`;

/**
 * A count, and on a tab (`id`) its words, hidden: the tab's description, not part of its name
 * (which stays the panel's). There while the count is not, empty, so the tab's reference always
 * holds. The count alone was hidden from assistive technology: a screen reader never heard of
 * letters held or problems (QA).
 */
function Badge(p: Partial<BadgeInfo> & { testId?: string; id?: string }) {
  return (
    <>
      {p.text !== undefined ? (
        <span
          className={`tab-badge ${p.level ?? ''}`}
          aria-hidden="true"
          title={p.title}
          data-testid={p.testId}
        >
          {p.text}
        </span>
      ) : null}
      {p.id ? (
        <span id={p.id} hidden>
          {p.title ?? ''}
        </span>
      ) : null}
    </>
  );
}
