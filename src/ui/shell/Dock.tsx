/**
 * The dock under the graph: panes of tabbed panels (react-resizable-panels' Workspace). Drag a tab
 * onto another pane's tab list to move it, onto a pane's edge to split it; drag separators (or
 * focus one and use the arrow keys) to resize; collapse or maximise a pane from its header; the
 * pane menu does the same from the keyboard. The layout is saved per workspace (`dockLayout`).
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
import * as Menu from '@radix-ui/react-dropdown-menu';
import {
  Separator,
  TabsetMaximizeButton,
  Workspace,
  useParentTabset,
  useParentTabsetState,
  useParentWorkspace,
  useTabListOverflow,
  type TabNode,
  type TabRenderProps,
  type TabsetNode,
  type WorkspaceImperativeHandle,
} from 'react-resizable-panels';
import { workbenchStore } from '../../state/store';
import { BADGED_PANELS, PanelBadge, badgeId, useBadges } from './PanelBadge';
import {
  PANEL_TITLES,
  defaultDockModel,
  everyPaneCollapsible,
  isPanelId,
  type DockModel,
  type PanelId,
} from './dockLayout';

type DockHandle = WorkspaceImperativeHandle<PanelId>;

function findTabset(model: DockModel, tabId: string): TabsetNode<PanelId> | undefined {
  const walk = (n: DockModel['root']): TabsetNode<PanelId> | undefined =>
    n.type === 'tabset'
      ? n.tabs.some((t) => t.id === tabId)
        ? n
        : undefined
      : n.children.reduce<TabsetNode<PanelId> | undefined>((hit, c) => hit ?? walk(c), undefined);
  return walk(model.root) ?? model.floating?.find((f) => f.tabs.some((t) => t.id === tabId));
}

function allTabsets(model: DockModel): TabsetNode<PanelId>[] {
  const out: TabsetNode<PanelId>[] = [];
  const walk = (n: DockModel['root']) => {
    if (n.type === 'tabset') out.push(n);
    else n.children.forEach(walk);
  };
  walk(model.root);
  return out;
}

/** Bring a panel into view: select its tab, expand or restore what hides it. */
export function revealPanel(ws: DockHandle, id: string): boolean {
  const model = ws.getModel();
  const set = findTabset(model, id);
  if (!set) return false;
  if (model.maximizedTabsetId && model.maximizedTabsetId !== set.id) ws.restoreTabset();
  if (set.collapsed) ws.expandTabset(set.id);
  ws.selectTab(id);
  return true;
}

/**
 * Collapse or expand the pane. Through the imperative handle: a collapse by a tab's own click or
 * key is refused in `onBeforeModelChange` (a click on the selected tab only shows it), and this
 * button's is not.
 */
function CollapseButton() {
  const pane = useParentTabset<PanelId>();
  const state = useParentTabsetState();
  if (!pane || !state || (!state.isCollapsible && !state.isCollapsed) || state.isMaximized)
    return null;
  const label = state.isCollapsed ? 'Expand pane' : 'Collapse pane';
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={label}
      title={label}
      aria-expanded={!state.isCollapsed}
      onClick={() => (state.isCollapsed ? pane.expand() : pane.collapse())}
    >
      {state.isCollapsed ? '▸' : '▾'}
    </button>
  );
}

/**
 * The tabs a narrow pane has no room for, in a menu: its tabs stay on one scrolling row. Wrapped
 * onto two or three rows, they had taken up to 96 px of a pane that was short already. A collapsed
 * pane's strip too: at 1280x720 it had shown three of five tabs, the rest out of sight.
 */
function TabOverflowMenu() {
  const ws = useParentWorkspace<PanelId>();
  const state = useParentTabsetState();
  const hidden = useTabListOverflow({ includePartiallyVisible: true });
  const whollyHidden = useTabListOverflow();
  // A tab cut by the list's edge ("Trac" before +2) is listed in this menu, so it is not also
  // shown cut: it keeps its room, unseen, until it fits (the selected tab is always shown).
  useLayoutEffect(() => {
    const cut = hidden.filter((id) => !whollyHidden.includes(id));
    const tabs = cut.map((id) =>
      document.querySelector<HTMLElement>(`[data-testid="dock-tab-${id}"]`),
    );
    for (const t of tabs) if (t && !t.hasAttribute('data-tab-selected')) t.classList.add('tab-cut');
    return () => {
      for (const t of tabs) t?.classList.remove('tab-cut');
    };
  }, [hidden, whollyHidden]);
  // The tab chosen: focus goes to it as the menu closes (from a collapsed strip the pane expands,
  // this button goes with the overflow, and focus had fallen to the page).
  const chosen = useRef<string | null>(null);
  const countsId = useId();
  if (!ws || !state || hidden.length === 0) return null;
  const label = `+${hidden.length} more ${hidden.length === 1 ? 'tab' : 'tabs'}`;
  // The tabs out of sight that can have a count: Dead letters' count had gone under "+2" in a
  // narrow pane, nothing in sight saying letters were held. Their counts are worked out only
  // while such a tab is out of sight (every pane has this menu).
  const counted = hidden.filter((id): id is PanelId => isPanelId(id) && BADGED_PANELS.has(id));
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger asChild>
        <button
          type="button"
          className="icon-btn tab-overflow"
          aria-label={label}
          title={label}
          {...(counted.length > 0 ? { 'aria-describedby': countsId } : {})}
        >
          +{hidden.length}
          {counted.length > 0 ? <HiddenCounts ids={counted} id={countsId} /> : null}
        </button>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          className="menu"
          align="end"
          sideOffset={4}
          onCloseAutoFocus={(e) => {
            const id = chosen.current;
            chosen.current = null;
            const tab = id
              ? document.querySelector<HTMLElement>(`[data-testid="dock-tab-${id}"]`)
              : null;
            if (!tab) return;
            e.preventDefault();
            tab.focus();
          }}
        >
          {hidden.map((id) => (
            <Menu.Item
              key={id}
              className="menu-item"
              onSelect={() => {
                chosen.current = id;
                // Shown as any panel asked for is (from a collapsed strip the pane expands), and
                // the store's panel too, as a click on the tab sets it: a Trace button or a
                // problem that asks for the panel it last named would otherwise change nothing.
                revealPanel(ws, id);
                if (isPanelId(id)) workbenchStore().getState().setBottomTab(id);
              }}
            >
              {isPanelId(id) ? PANEL_TITLES[id] : id}
              {isPanelId(id) ? <PanelBadge id={id} inMenu /> : null}
            </Menu.Item>
          ))}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}

/**
 * The counts of tabs out of sight, on the +N button: a dot in the most urgent count's colour, and
 * the counts in words, the button's description for a screen reader.
 */
function HiddenCounts({ ids, id }: { ids: readonly PanelId[]; id: string }) {
  const badges = useBadges();
  const badged = ids.flatMap((id) => {
    const b = badges[id];
    return b ? [{ id, b }] : [];
  });
  // The span is there with no counts too, empty: the button's description refers to it.
  if (badged.length === 0) return <span className="sr-only" id={id} />;
  const alert =
    badged.find((x) => x.b.level === 'crit') ?? badged.find((x) => x.b.level === 'warn');
  const words = badged.map((x) => `${PANEL_TITLES[x.id]}, ${x.b.title}`).join('; ');
  return (
    <>
      <span className="sr-only" id={id}>
        {words}
      </span>
      {alert ? (
        <span
          className={`tab-overflow-dot ${alert.b.level}`}
          aria-hidden="true"
          title={words}
          data-testid="tab-overflow-dot"
        />
      ) : null}
    </>
  );
}

/** A tab: its panel's name, its badge (a count), which describes it in words where it has one. */
function DockTab({
  tab,
  props,
  badge,
}: {
  tab: TabNode<PanelId>;
  props: TabRenderProps;
  badge: ReactNode;
}) {
  return (
    <div
      {...props}
      {...(BADGED_PANELS.has(tab.data) && badge ? { 'aria-describedby': badgeId(tab.data) } : {})}
      data-testid={`dock-tab-${tab.id}`}
    >
      {tab.title}
      {badge}
    </div>
  );
}

/**
 * Maximise or restore the pane; a toggle: its name stays, aria-pressed says whether the pane is
 * maximised. Not on a collapsed pane's strip (expanded, it is back): in a short dock the strip's
 * four buttons left its tab's name cut to "Metr…".
 */
function MaximiseButton() {
  const state = useParentTabsetState();
  if (!state || state.isCollapsed) return null;
  return (
    <TabsetMaximizeButton
      aria-label="Maximise pane"
      className="icon-btn"
      title={({ isMaximized }) => (isMaximized ? 'Restore pane' : 'Maximise pane')}
    >
      {({ isMaximized }) => (isMaximized ? '⤡' : '⤢')}
    </TabsetMaximizeButton>
  );
}

/**
 * Names the pane's tab list by its panels ("Panels: Inject, Queues, …"): the library's tab lists
 * have no name, and both were announced as just "tab list" (QA). Renders nothing of its own.
 */
function TabListName({ tabs }: { tabs: readonly { id: string }[] }) {
  const names = tabs.map((t) => (isPanelId(t.id) ? PANEL_TITLES[t.id] : t.id)).join(', ');
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    // The header's own tab list, not one inside a panel's content.
    const list = ref.current?.closest('[data-tabset-header]')?.querySelector('[data-tab-list]');
    if (!list) return;
    if (names) list.setAttribute('aria-label', `Panels: ${names}`);
    else list.removeAttribute('aria-label');
  }, [names]);
  return <span ref={ref} hidden />;
}

/** The pane menu: split, move, collapse, maximise and reset, all reachable from the keyboard. */
function PaneMenu({ onReset }: { onReset: () => void }) {
  const ws = useParentWorkspace<PanelId>();
  const pane = useParentTabset<PanelId>();
  const state = useParentTabsetState();
  // Not on a collapsed pane's strip (▸ expands it, and its menu is back with it): at the dock's
  // least height the strip's buttons left its tab's name cut to "Dead lette".
  if (!ws || !pane || !state || state.isCollapsed) return null;
  const selected = state.selectedTabId;
  const title = selected && isPanelId(selected) ? PANEL_TITLES[selected] : 'this panel';
  const model = ws.getModel();
  const here = findTabset(model, selected ?? '');
  const others = allTabsets(model).filter((t) => t.id !== pane.id);
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger asChild>
        <button type="button" className="icon-btn" aria-label="Pane options" title="Pane options">
          ⋯
        </button>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="end" sideOffset={4}>
          <Menu.Item
            className="menu-item"
            disabled={!selected || (here?.tabs.length ?? 0) < 2}
            onSelect={() =>
              selected && ws.moveTab(selected, { region: 'right', tabsetId: pane.id })
            }
          >
            Split: {title} in a new pane on the right
          </Menu.Item>
          <Menu.Item
            className="menu-item"
            disabled={!selected || (here?.tabs.length ?? 0) < 2}
            onSelect={() =>
              selected && ws.moveTab(selected, { region: 'bottom', tabsetId: pane.id })
            }
          >
            Split: {title} in a new pane below
          </Menu.Item>
          {others.map((o) => {
            const label =
              o.selectedId && isPanelId(o.selectedId) ? PANEL_TITLES[o.selectedId] : o.id;
            return (
              <Menu.Item
                key={o.id}
                className="menu-item"
                disabled={!selected}
                onSelect={() =>
                  selected && ws.moveTab(selected, { index: o.tabs.length, tabsetId: o.id })
                }
              >
                Move {title} to the pane showing {label}
              </Menu.Item>
            );
          })}
          <Menu.Separator className="menu-sep" />
          <Menu.Item
            className="menu-item"
            disabled={!state.isCollapsible && !state.isCollapsed}
            onSelect={() => (pane.isCollapsed() ? pane.expand() : pane.collapse())}
          >
            {state.isCollapsed ? 'Expand pane' : 'Collapse pane'}
          </Menu.Item>
          <Menu.Item
            className="menu-item"
            disabled={state.isRoot}
            onSelect={() => (pane.isMaximized() ? pane.restore() : pane.maximize())}
          >
            {state.isMaximized ? 'Restore pane' : 'Maximise pane'}
          </Menu.Item>
          <Menu.Separator className="menu-sep" />
          <Menu.Item className="menu-item" onSelect={onReset}>
            Reset dock layout
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}

export interface DockProps {
  /** The workspace this layout belongs to (the dock remounts when it changes). */
  model: DockModel | undefined;
  renderPanel(id: PanelId): ReactNode;
  onModelChanged(model: DockModel): void;
  /** A panel was asked for (Trace from a receipt, a problem…): make sure the dock shows. */
  onReveal(): void;
  /** A count beside a tab's title (dead letters held, problems), if the panel has one. */
  renderBadge?: ((id: PanelId) => ReactNode) | undefined;
}

/** Whether a key went to a field that reads keys itself (a text box, a list box, a select). */
const isField = (target: EventTarget | null): boolean =>
  target instanceof Element &&
  target.closest('input, textarea, select, [contenteditable]') !== null;

/** Escape, unless a drag or menu took it, restores the maximised pane (if one is). */
function restoreOnEscape(
  ws: DockHandle | null,
  e: Pick<KeyboardEvent, 'key' | 'defaultPrevented' | 'preventDefault'>,
): void {
  if (e.key !== 'Escape' || e.defaultPrevented || !ws?.getModel().maximizedTabsetId) return;
  e.preventDefault();
  ws.restoreTabset();
}

/** What Tab can reach: enabled, in the tab order, shown, not inert. */
const TABBABLE = 'a[href], button, input, select, textarea, [tabindex]';
function tabbable(el: HTMLElement): boolean {
  return (
    el.tabIndex >= 0 &&
    !(el as HTMLButtonElement).disabled &&
    el.getClientRects().length > 0 &&
    el.closest('[inert]') === null
  );
}

/**
 * Tab and Shift+Tab from a tab leave its tab list, as the tabs pattern has it, whichever tab has
 * focus. The arrows move focus without selecting (manual activation), and the selected tab keeps
 * the list's one tab stop: Tab from another tab had gone to the selected one, in the same list.
 */
function tabOutOfList(e: React.KeyboardEvent): void {
  if (e.key !== 'Tab' || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
  const target = e.target;
  if (!(target instanceof HTMLElement) || !isTab(target)) return;
  const list = target.closest<HTMLElement>('[data-tab-list]');
  if (!list) return;
  const all = [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => !list.contains(el) && tabbable(el),
  );
  const after = (el: HTMLElement) =>
    (list.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  const next = e.shiftKey ? all.filter((el) => !after(el)).at(-1) : all.find(after);
  if (!next) return;
  e.preventDefault();
  next.focus();
}

/** Whether an input went to a tab (its pane's collapse is then refused; see the Workspace). */
const isTab = (target: EventTarget | null): boolean =>
  target instanceof Element && target.closest('[data-tab]') !== null;

export function Dock({ model, renderPanel, onModelChanged, onReveal, renderBadge }: DockProps) {
  const ref = useRef<DockHandle | null>(null);
  // Whether the last pointer press or key went to a tab.
  const onTab = useRef(false);
  // The maximised pane, to give focus back to its button when a maximise or restore dropped it.
  const maximised = useRef<string | null>(model?.maximizedTabsetId ?? null);
  const reveal = useRef(onReveal);
  useEffect(() => {
    reveal.current = onReveal;
  });

  // Escape restores a maximised pane wherever focus is but in a field, a dialog or a menu: with
  // focus nowhere (the pane's Maximise button, clicked, is drawn anew and focus falls to the
  // page), on the toolbar, the graph, the status bar or a button in the pane (Send one, Pause),
  // where the workspace's own handler (below) never heard the key and the pane stayed maximised.
  // Bubbling, after whatever took the key for itself (a receipt's detail closing).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      if (isField(t)) return;
      if (t instanceof Element && t.closest('[role="dialog"], [role="menu"], [role="listbox"]'))
        return;
      restoreOnEscape(ref.current, e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Whoever sets the store's bottom tab (a receipt's Trace button, a spec) brings it into view.
  useEffect(
    () =>
      workbenchStore().subscribe((next, prev) => {
        if (next.bottomTab === prev.bottomTab || !ref.current) return;
        if (revealPanel(ref.current, next.bottomTab)) reveal.current();
      }),
    [],
  );

  const renderTab = useCallback(
    (tab: TabNode<PanelId>, props: TabRenderProps) => (
      <DockTab tab={tab} props={props} badge={renderBadge?.(tab.data)} />
    ),
    [renderBadge],
  );

  const renderTabContent = useCallback(
    // Focusable so a panel that scrolls (a wide table) scrolls from the keyboard too.
    (tab: TabNode<PanelId>) => (
      // A named region: a tab stop with no role or name said nothing of where focus was (axe
      // focus-order-semantics).
      <div
        className="dock-body"
        tabIndex={0}
        role="region"
        aria-label={`${PANEL_TITLES[tab.data]} panel`}
      >
        {renderPanel(tab.data)}
      </div>
    ),
    [renderPanel],
  );

  const reset = useCallback(() => {
    const next = ref.current?.setModel(defaultDockModel());
    if (next) onModelChanged(next);
  }, [onModelChanged]);

  const renderToolbar = useCallback(
    (tabset: TabsetNode<PanelId>) => (
      <div className="pane-tools">
        <TabListName tabs={tabset.tabs} />
        <TabOverflowMenu />
        <MaximiseButton />
        <CollapseButton />
        <PaneMenu onReset={reset} />
      </div>
    ),
    [reset],
  );

  return (
    <Workspace<PanelId>
      id="dock-workspace"
      className="dock-workspace"
      aria-label="Panels"
      workspaceRef={ref}
      defaultModel={model ?? defaultDockModel()}
      renderTab={renderTab}
      renderTabContent={renderTabContent}
      renderTabsetToolbar={renderToolbar}
      renderSeparator={() => <Separator className="sep-handle" aria-label="Resize panes" />}
      lazyTabContent
      hiddenTabBehavior="unmount"
      tabsetMinWidth="240px"
      tabsetMinHeight="80px"
      tabRemovalSelectionBehavior="recent"
      // A click on the selected tab (or Enter or Space on it) would collapse its pane (the
      // library's default): refused, a tab only ever shows its panel. Panes collapse from their
      // header button or menu (the imperative handle, never refused here) and by a separator
      // dragged past a pane's least size, which is allowed (refused, the drag had shown the pane
      // collapsed and then sprung back). A press the library took for a separator's grab zone
      // (it reaches over the neighbouring pane's first tab) is a drag, not a tab's click.
      onPointerDownCapture={(e) =>
        (onTab.current = !e.nativeEvent.defaultPrevented && isTab(e.target))
      }
      onKeyDownCapture={(e) => (onTab.current = isTab(e.target))}
      // Escape gives a maximised pane back its place, as in an editor's maximised view; not from
      // a field (Escape there is the field's), nor an Escape a drag or menu already took.
      onKeyDown={(e) => {
        if (!isField(e.target)) restoreOnEscape(ref.current, e);
        tabOutOfList(e);
      }}
      onBeforeModelChange={({ reason }) => reason !== 'collapse' || !onTab.current}
      onModelChanged={(m, meta) => {
        onModelChanged(m);
        // Maximised or restored (its button, the menu, Escape): the button is drawn anew and focus
        // fell to the page; a keyboard user lost their place. It goes back to the pane's button.
        const max = m.maximizedTabsetId ?? null;
        if (max !== maximised.current) {
          const set = allTabsets(m).find((t) => t.id === (max ?? maximised.current));
          maximised.current = max;
          requestAnimationFrame(() => {
            const active = document.activeElement;
            if (active && active !== document.body) return;
            document
              .querySelector(`[data-testid="dock-tab-${set?.selectedId ?? ''}"]`)
              ?.closest('[data-tabset]')
              ?.querySelector<HTMLElement>('[aria-label="Maximise pane"]')
              ?.focus();
          });
        }
        // A pane the user split off is collapsible like the others (set once the change is done).
        const fixed = everyPaneCollapsible(m);
        if (fixed)
          queueMicrotask(() => {
            const next = ref.current?.setModel(fixed);
            if (next) onModelChanged(next);
          });
        if (meta.reason === 'select' && meta.isUserInteraction) {
          const active = ref.current?.getActiveTabsetId();
          const set = allTabsets(m).find((t) => t.id === active);
          const s = workbenchStore().getState();
          if (set?.selectedId && set.selectedId !== s.bottomTab) s.setBottomTab(set.selectedId);
        }
      }}
    />
  );
}
