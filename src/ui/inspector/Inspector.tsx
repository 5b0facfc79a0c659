import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type FocusEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { FIELD_TYPES } from '../../core/config';
import { MAX_QUEUE_CAPACITY, roundCapacity } from '../../core/queue/capacity';
import {
  canonicalTypeId,
  capacityText,
  connectK2k,
  connectRoute,
  deleteNodes,
  findKernel,
  findType,
  parseNodeId,
  removeK2k,
  routeOf,
  updateKernel,
  updateType,
  kernelNodeId,
  typeNodeId,
  type KernelDef,
  type TypeDef,
} from '../../state/edits';
import { useWorkbench, workbenchStore, type WorkbenchState } from '../../state/store';
import { selectNode } from '../graph/view';
import { applyRemoval, focusInspector } from './focus';
import { undoRedoOf } from '../shell/undoKeys';
import { forcedGpuWarning } from './backendWarning';
import { sameValue } from '../../state/sameValue';
import { useSoftwareAdapter } from '../gpu/adapter';
import { KernelLine, KernelNow } from './KernelNow';
import { RouteInspector } from './RouteInspector';
import { BEHAVIOR_RULES } from './behaviors';
import { num, U64_MAX_TEXT } from '../inject/generatorSpec';

/** How an edit is being committed: the Apply button or Enter, focus leaving the form, or the form
 * closing (another node selected, undo). Only an explicit submit may leave an error silently
 * in the form; the others must say what happened to the edit. */
type CommitReason = 'submit' | 'blur' | 'close' | 'choice';

/**
 * Applies an inspector form's draft when focus leaves the form and when the form closes with
 * unapplied edits, so an edit is never dropped silently (issue 13, point 9). `commit` returns
 * whether the edit applied; it runs only while the draft has changed since the last apply.
 */
function useAutoApply(commit: (reason: CommitReason) => boolean, initiallyDirty = false) {
  const dirty = useRef(initiallyDirty);
  const latest = useRef(commit);
  useEffect(() => {
    latest.current = commit;
  });
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // Committed once no setup followed: under StrictMode (the dev server) React runs this
      // cleanup and the setup again as a form mounts, and a form that opens with a typed value
      // still to apply (see `carried`) had said at once that it was discarded.
      queueMicrotask(() => {
        if (!mounted.current && dirty.current && latest.current('close')) dirty.current = false;
      });
    };
  }, []);
  return {
    /** Mark the draft changed. */
    touch() {
      dirty.current = true;
    },
    /** Drop what was typed: the node it edits is being deleted (applied, it had said "No kernel"). */
    discard() {
      dirty.current = false;
    },
    /** Nothing typed since the form last applied or opened. */
    clean() {
      return !dirty.current;
    },
    run(reason: CommitReason) {
      if (!dirty.current && reason !== 'submit') return;
      if (commit(reason)) dirty.current = false;
    },
    /** Apply a draft now (a choice from a list is complete as made); `apply` says if it applied. */
    now(apply: () => boolean) {
      dirty.current = true;
      if (apply()) dirty.current = false;
    },
    onBlur(e: FocusEvent<HTMLFormElement>) {
      // Moving between the form's own fields is not leaving it.
      if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
      if (dirty.current && commit('blur')) dirty.current = false;
    },
  };
}

/**
 * The field Enter was pressed in, by its name, for the form that replaces this one
 * once the edit applies (each definition gets a form of its own): focus had fallen to the page, and
 * the next Tab started over from the top. Only for that render: a later form never takes it.
 */
let refocusOn: string | null = null;
/** A form control's name as its label gives it (or its aria-label; a button's, its text). */
function labelOf(el: Element): string | null {
  const aria = el.getAttribute('aria-label');
  if (aria) return aria;
  // Apply pressed from the keyboard: focus had fallen to the page, as a button has no label (QA).
  if (el instanceof HTMLButtonElement) return el.textContent.trim() || null;
  const label = (el as HTMLInputElement).labels?.[0];
  return label ? (label.firstChild?.textContent ?? label.textContent ?? '').trim() : null;
}
function keepFocusAcrossApply(form: HTMLFormElement | null): void {
  const active = document.activeElement;
  if (!form || !active || !form.contains(active)) return;
  refocusOn = labelOf(active);
  setTimeout(() => {
    refocusOn = null;
  }, 0);
}
/**
 * Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) in a form with nothing typed since it last applied: the
 * app's undo and redo, focus kept on the field. The app's shortcuts stand aside in a field (its
 * own text undo), so after an edit applied with Enter, Ctrl+Z there had done nothing at all.
 */
function undoKeys(e: KeyboardEvent<HTMLFormElement>, clean: boolean): void {
  const asked = clean && !e.altKey ? undoRedoOf(e) : null;
  if (asked === null) return;
  e.preventDefault();
  keepFocusAcrossApply(e.currentTarget);
  const s = workbenchStore().getState();
  if (asked === 'undo') s.undo();
  else s.redo();
}

function useRefocusAfterApply() {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const name = refocusOn;
    refocusOn = null;
    if (name === null || !form.current) return;
    // By its name, not its place: fields added or removed above it would move the place.
    const el = [...form.current.elements].find((e) => labelOf(e) === name);
    if (el instanceof HTMLElement) el.focus();
  }, []);
  return form;
}

/** The error of a form, and the field it is about (its label), if one. */
interface FormError {
  text: string;
  field?: string | undefined;
}

/** Which of a form's fields an edit's error is about, by the words it starts with. */
function errorField(text: string): string | undefined {
  if (/^Type id\b/.test(text)) return 'Type id';
  if (/^(A message type needs a name|The name\b)/.test(text)) return 'Name';
  if (/^Handler id\b/.test(text)) return 'Handler id';
  if (/^(A kernel needs an id|A kernel named|The kernel id\b|"host")/.test(text))
    return 'Kernel id';
  if (/^Queue capacity\b/.test(text)) return 'Queue capacity';
  if (/^Tenant\b/.test(text)) return 'Tenant';
  return undefined;
}

/** An edit that could not be applied as focus left: say so, as the form may close right after. */
function refused(reason: CommitReason, what: string, why: string): void {
  if (reason === 'submit') return;
  const store = workbenchStore().getState();
  const pending = `Your edit to ${what} is not applied yet: ${why}`;
  if (reason === 'close') {
    // The form closes right after focus left it (a click on the graph does both): one notice
    // for the edit, the last word, not "not applied yet" under "discarded".
    for (const n of store.notices) if (n.text === pending) store.dismiss(n.id);
    store.notify('error', `Your edit to ${what} was not applied and is discarded: ${why}`);
  } else store.notify('error', pending);
}

export function Inspector() {
  const selection = useWorkbench((s) => s.selection);
  const selectedEdges = useWorkbench((s) => s.selectedEdges);
  // One Inspector element per selection: the same one kept its scroll offset, and the heading of
  // the next thing selected opened half scrolled away.
  const view = `${selection.join()}|${selectedEdges.join()}`;
  return (
    <aside key={view} className="inspector" aria-label="Inspector">
      <InspectorBody selection={selection} selectedEdges={selectedEdges} />
    </aside>
  );
}

/** What the Inspector shows for a selection: a route, the outline, a count, or a node's form. */
function InspectorBody({
  selection,
  selectedEdges,
}: {
  selection: readonly string[];
  selectedEdges: readonly string[];
}) {
  const config = useWorkbench((s) => s.config);
  if (selection.length === 0 && selectedEdges.length === 1)
    return <RouteInspector edgeId={selectedEdges[0] ?? ''} />;
  if (selection.length === 0 && selectedEdges.length > 1)
    return (
      <>
        <h2 tabIndex={-1}>Inspector</h2>
        <p>{selectedEdges.length} routes selected. Delete removes them.</p>
      </>
    );
  if (selection.length === 0)
    return (
      <>
        <h2 tabIndex={-1}>Inspector</h2>
        <p className="muted">
          Select a message type or a kernel to edit it. Drag from a type to a kernel to route it.
        </p>
        <Outline />
      </>
    );
  if (selection.length > 1)
    return (
      <>
        <h2 tabIndex={-1}>Inspector</h2>
        <p>{selection.length} nodes selected. Copy with Ctrl+C, delete with Delete.</p>
      </>
    );
  const parsed = parseNodeId(selection[0] ?? '');
  const type =
    parsed?.kind === 'type' ? findType(config, canonicalTypeId(parsed.key) ?? -1) : undefined;
  const kernel = parsed?.kind === 'kernel' ? findKernel(config, parsed.key) : undefined;
  return (
    <>
      {type ? <TypeForm key={`t${JSON.stringify(type)}`} type={type} /> : null}
      {kernel ? <KernelForm key={`k${JSON.stringify(kernel)}`} kernel={kernel} /> : null}
    </>
  );
}

/**
 * Selects a node from the outline; from the keyboard, focus follows into its form (the outline's
 * button goes with the outline: focus had fallen to the page, and the next F6 went to the toolbar).
 */
function pick(nodeId: string, fromKeyboard: boolean): void {
  selectNode(nodeId);
  if (fromKeyboard) focusInspector();
}

/**
 * With nothing selected, the workspace in a list: each kernel with its handler, backend and queue
 * and what it does now (rate, queue, losses), then each type with its route, every one a button
 * that selects it. The Inspector's column stood empty beside the graph (300 px at 1280x720), and a
 * node is reached here from the keyboard without crossing the graph's tab stops. Kernels first,
 * live: at 1280x720 the graph's own figures are 9 px high, and Queues is behind Inject.
 */
function Outline() {
  const config = useWorkbench((s) => s.config);
  return (
    <nav className="inspector-outline" aria-label="Workspace outline">
      <h3>Kernels</h3>
      <ul>
        {config.kernels.map((k) => (
          <li key={k.id}>
            <button
              type="button"
              className="btn-link"
              onClick={(e) => pick(kernelNodeId(k.id), e.detail === 0)}
            >
              {k.id}
            </button>{' '}
            <span className="muted">
              {k.behavior} · {k.backend} · queue {capacityText(k.queueCapacity)}, {k.overflowPolicy}
            </span>
            <KernelLine id={k.id} />
          </li>
        ))}
      </ul>
      <h3>Message types</h3>
      <ul>
        {config.messageTypes.map((t) => {
          const route = routeOf(config, t.typeId);
          return (
            <li key={String(t.typeId)}>
              <button
                type="button"
                className="btn-link"
                onClick={(e) => pick(typeNodeId(t.typeId), e.detail === 0)}
              >
                {t.name}
              </button>{' '}
              <span className="muted">
                {String(t.typeId)} → {route ?? 'not routed'}
              </span>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

const STALE_TYPE_KEY = 'generator-stale-type';

/**
 * A type's id changed while the generator sends it (`before`: the state the edit applied to): the
 * run goes on with the mix it started with, so every message of the old id now gets NoRoute.
 * Said at the edit: "Updated type 1005." alone stood beside NoRoute climbing past 100 K in 2 s.
 * The notice goes once it is no longer true: the old id routed again (undo), or the run stopped
 * or restarted. A run without a mix sent the types routed when it started: one that carried
 * traffic a moment ago is taken to be among them.
 */
function staleGenerator(before: WorkbenchState, was: TypeDef['typeId']): void {
  const gen = before.snapshot?.generator;
  const spec = gen?.running ? gen.spec : undefined;
  if (!gen || !spec) return;
  const old = String(was);
  const sends = spec.mix?.length
    ? spec.mix.some((m) => String(m.typeId) === old)
    : (before.snapshot?.edges ?? []).some((e) => e.source === `type:${old}` && e.ratePerSec > 0);
  if (!sends) return;
  const store = workbenchStore();
  store
    .getState()
    .notify(
      'warning',
      `The generator still sends type ${old}, which is now routed nowhere: its messages get NoRoute and a dead letter each until it is restarted (Inject → Generator).`,
      { key: STALE_TYPE_KEY },
    );
  const run = gen.startedUs;
  const stop = store.subscribe((st) => {
    const notice = st.notices.find((n) => n.key === STALE_TYPE_KEY);
    const g = st.snapshot?.generator;
    const over =
      !g?.running || g.startedUs !== run || st.config.routes.some((r) => String(r.typeId) === old);
    if (notice && over) st.dismiss(notice.id);
    if (!notice || over) stop();
  });
}

function TypeForm({ type }: { type: TypeDef }) {
  const config = useWorkbench((s) => s.config);
  const route = routeOf(config, type.typeId);
  const [draft, setDraft] = useState(() => ({
    typeId: String(type.typeId),
    name: type.name,
    handlerId: type.handlerId === undefined ? '' : String(type.handlerId),
    requiresResponse: type.requiresResponse ?? false,
    responseTypeId: type.responseTypeId === undefined ? '' : String(type.responseTypeId),
    // A bytes field's size as typed: "abc" had read back as NaN in its box.
    fields: type.fields.map((f) => ({
      ...f,
      sizeText: f.size === undefined ? '' : String(f.size),
    })),
  }));
  // A kernel picked in the list holds while the route is the one it was picked beside: once the
  // route changes (Set route, undo, a drag on the graph) the list shows the route again. Kept
  // regardless, it read "aggregator" under "Routed to pattern_detector" after an undo.
  const [pick, setPick] = useState<{ beside: string | undefined; id: string } | null>(null);
  const setRouteTarget = (id: string) => setPick({ beside: route, id });
  const picked = pick && pick.beside === route ? pick.id : (route ?? config.kernels[0]?.id ?? '');
  // The picked kernel may have been renamed or deleted since (undo, import): fall back visibly.
  const routeTarget = config.kernels.some((k) => k.id === picked)
    ? picked
    : (route ?? config.kernels[0]?.id ?? '');
  const [error, setError] = useState<FormError | null>(null);
  const errorId = useId();
  const formRef = useRefocusAfterApply();
  /** A payload field's box marked and described by the form's error when it is about it. */
  const fieldError = (label: string) =>
    error?.field === label ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};

  const auto = useAutoApply(commit);
  const edit = (next: typeof draft) => {
    auto.touch();
    setDraft(next);
  };
  function submit(e: FormEvent) {
    e.preventDefault();
    auto.run('submit');
  }
  function commit(reason: CommitReason): boolean {
    const fail = (why: string, field = errorField(why)) => {
      setError({ text: why, field });
      refused(reason, `type ${type.name}`, why);
      return false;
    };
    const store = workbenchStore().getState();
    const typeId = canonicalTypeId(draft.typeId);
    // Worded as Publish and the generator word it.
    if (typeId === null) return fail(`Type id must be a whole number from 0 to ${U64_MAX_TEXT}.`);
    let handlerId: number | undefined;
    if (draft.handlerId.trim() !== '') {
      handlerId = Number(draft.handlerId);
      if (!Number.isInteger(handlerId) || handlerId < 0 || handlerId > 0xffffffff)
        return fail('Handler id must be a u32 (0 to 4294967295).');
    }
    let responseTypeId: TypeDef['responseTypeId'];
    if (draft.requiresResponse) {
      const r = canonicalTypeId(
        draft.responseTypeId.trim() === ''
          ? (BigInt(String(typeId)) + 1n).toString()
          : draft.responseTypeId,
      );
      if (r === null) return fail('Response type id must be a u64.');
      responseTypeId = r;
    }
    // Each field's error at its own box (it had been only under the form, the box unmarked and
    // scrolled away); a name used twice is refused: payload values go by field name.
    const seen = new Map<string, number>();
    const sizes: number[] = [];
    for (const [i, f] of draft.fields.entries()) {
      const at = `Field ${i + 1}`;
      if (f.name.trim() === '') return fail(`${at} needs a name.`, `${at} name`);
      const twin = seen.get(f.name);
      if (twin !== undefined)
        return fail(
          `${at} is named "${f.name}", as field ${twin + 1} is: each field of a type needs a name of its own.`,
          `${at} name`,
        );
      seen.set(f.name, i);
      const size = f.type === 'bytes' ? num(f.sizeText) : 0;
      if (f.type === 'bytes' && !(Number.isInteger(size) && size >= 1 && size <= 65_536))
        return fail(
          `${at} ("${f.name}", bytes) needs a size, a whole number from 1 to 65,536.`,
          `${at} size`,
        );
      sizes.push(size);
    }
    // Only a name being given: a type that already shares its name (pasted twice, imported)
    // keeps its other edits.
    const namesake =
      draft.name.trim() === type.name.trim()
        ? undefined
        : store.config.messageTypes.find(
            (t) => t.name.trim() === draft.name.trim() && String(t.typeId) !== String(type.typeId),
          );
    if (namesake)
      return fail(
        `Name "${draft.name}" is already the name of type ${String(namesake.typeId)}: two types of one name read as one on the graph and in the panels.`,
        'Name',
      );
    const patch: TypeDef = {
      typeId,
      name: draft.name,
      fields: draft.fields.map((f, i) =>
        f.type === 'bytes'
          ? { name: f.name, type: f.type, size: sizes[i]! }
          : { name: f.name, type: f.type },
      ),
      ...(handlerId !== undefined ? { handlerId } : {}),
      ...(draft.requiresResponse
        ? { requiresResponse: true, responseTypeId: responseTypeId ?? typeId }
        : {}),
      ...(type.description !== undefined ? { description: type.description } : {}),
    };
    const current = findType(store.config, type.typeId);
    if (!current) return fail('the type no longer exists.');
    // Replace the whole definition so cleared optional fields really go away.
    const result = updateType(store.config, type.typeId, patch);
    if (result.ok && sameValue(patch, current)) {
      // Nothing changed: no step to undo, as for a kernel.
      setError(null);
      return true;
    }
    if (result.ok) {
      const messageTypes = result.config.messageTypes.map((t) =>
        String(t.typeId) === String(typeId) ? patch : t,
      );
      // A choice from a list too: its form is replaced, and focus had fallen to the page.
      if (reason === 'submit' || reason === 'choice') keepFocusAcrossApply(formRef.current);
      if (!store.replace({ ...result.config, messageTypes }, result.note))
        return fail('the workspace refused it (see the notice).');
      // Focus leaving for another node keeps that node selected; Enter keeps this one.
      if (reason === 'submit') store.setSelection([`type:${String(typeId)}`]);
      if (String(typeId) !== String(type.typeId)) staleGenerator(store, type.typeId);
      setError(null);
      return true;
    }
    return fail(result.error);
  }

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      onBlur={auto.onBlur}
      onKeyDown={(e) => undoKeys(e, auto.clean())}
      aria-label={`Message type ${type.name}`}
    >
      <h2>Message type</h2>
      <TextField
        error={error}
        errorId={errorId}
        label="Type id"
        value={draft.typeId}
        onChange={(v) => edit({ ...draft, typeId: v })}
        numeric
      />
      <TextField
        error={error}
        errorId={errorId}
        label="Name"
        value={draft.name}
        onChange={(v) => edit({ ...draft, name: v })}
        maxLength={128}
      />
      <TextField
        error={error}
        errorId={errorId}
        label="Handler id"
        value={draft.handlerId}
        onChange={(v) => edit({ ...draft, handlerId: v })}
        numeric
      />
      <label className="row">
        <input
          type="checkbox"
          checked={draft.requiresResponse}
          onChange={(e) => edit({ ...draft, requiresResponse: e.target.checked })}
        />
        Requires response
      </label>
      {draft.requiresResponse ? (
        <label>
          Response type id
          <input
            value={draft.responseTypeId}
            placeholder={`${draft.typeId} + 1`}
            onChange={(e) => edit({ ...draft, responseTypeId: e.target.value })}
          />
        </label>
      ) : null}
      <fieldset>
        <legend>Payload fields</legend>
        {draft.fields.map((f, i) => (
          <div className="field-row" key={i}>
            <input
              aria-label={`Field ${i + 1} name`}
              {...fieldError(`Field ${i + 1} name`)}
              value={f.name}
              onChange={(e) =>
                edit({
                  ...draft,
                  fields: draft.fields.map((x, j) =>
                    j === i ? { ...x, name: e.target.value } : x,
                  ),
                })
              }
            />
            <select
              aria-label={`Field ${i + 1} type`}
              value={f.type}
              onChange={(e) =>
                edit({
                  ...draft,
                  fields: draft.fields.map((x, j) =>
                    j === i
                      ? {
                          ...x,
                          type: e.target.value as (typeof FIELD_TYPES)[number],
                          sizeText: x.sizeText || '1',
                        }
                      : x,
                  ),
                })
              }
            >
              {FIELD_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            {f.type === 'bytes' ? (
              <input
                aria-label={`Field ${i + 1} size`}
                {...fieldError(`Field ${i + 1} size`)}
                className="narrow"
                inputMode="numeric"
                value={f.sizeText}
                onChange={(e) =>
                  edit({
                    ...draft,
                    fields: draft.fields.map((x, j) =>
                      j === i ? { ...x, sizeText: e.target.value } : x,
                    ),
                  })
                }
              />
            ) : null}
            <button
              type="button"
              aria-label={`Remove field ${f.name}`}
              onClick={(e) => {
                // The next field's ✕ takes this one's place (and its focus); the last field's has
                // none after it, and focus fell to the page (QA): it goes on to Add field.
                if (i === draft.fields.length - 1)
                  e.currentTarget
                    .closest('fieldset')
                    ?.querySelector<HTMLButtonElement>(':scope > button.add-field')
                    ?.focus();
                edit({ ...draft, fields: draft.fields.filter((_, j) => j !== i) });
              }}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          className="add-field"
          onClick={() =>
            edit({
              ...draft,
              fields: [
                ...draft.fields,
                { name: `field${draft.fields.length + 1}`, type: 'u32', sizeText: '1' },
              ],
            })
          }
        >
          Add field
        </button>
      </fieldset>
      <p className="muted">
        Edits apply when you press Enter or leave the form; undo reverts them.
      </p>
      <fieldset>
        <legend>Route</legend>
        <p className="muted">
          {route ? `Routed to "${route}".` : 'Not routed: dispatching it fails with NoRoute.'}
        </p>
        <label>
          Route to kernel
          <select value={routeTarget} onChange={(e) => setRouteTarget(e.target.value)}>
            {config.kernels.map((k) => (
              <option key={k.id} value={k.id}>
                {k.id}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            const s = workbenchStore().getState();
            // Applied, the pick is spent: the list follows the route from here (undo included).
            if (s.apply(connectRoute(s.config, type.typeId, routeTarget))) setPick(null);
          }}
        >
          Set route
        </button>
      </fieldset>
      {/* After the route, as the tab order goes: Route to kernel had come after Delete type,
          the destructive button between a keyboard user and the route (QA). */}
      <ApplyBar
        error={error}
        errorId={errorId}
        remove={{ label: 'Delete type', nodeId: typeNodeId(type.typeId), discard: auto.discard }}
      />
    </form>
  );
}

/** A kernel as its form holds it: the typed boxes as typed. */
type KernelDraft = Omit<KernelDef, 'queueCapacity' | 'tenantId'> & {
  queueCapacity: string;
  tenantId: string;
};
/** The typed boxes of a kernel's form. */
type KernelTyped = Pick<KernelDraft, 'id' | 'queueCapacity' | 'tenantId'>;

const kernelDraft = (k: KernelDef): KernelDraft => ({
  ...k,
  queueCapacity: String(k.queueCapacity),
  tenantId: String(k.tenantId),
});

/** A kernel form's draft as the edit `updateKernel` takes; numbers as typed, digit groups too. */
const kernelPatch = (d: KernelDraft) => ({
  id: d.id,
  queueCapacity: num(d.queueCapacity),
  tenantId: num(d.tenantId),
  overflowPolicy: d.overflowPolicy,
  backend: d.backend,
  behavior: d.behavior,
});

/**
 * Typed values of a kernel's form that a choice from a list left unapplied (one of them is
 * wrong), with their error, for the form that replaces it once the choice applies (each kernel
 * definition gets a form of its own): they stay in their boxes, still to apply or fix. Only for
 * that render.
 */
let carried: { kernel: string; typed: KernelTyped; error: FormError } | null = null;

const typedOf = (d: KernelDraft): KernelTyped => ({
  id: d.id,
  queueCapacity: d.queueCapacity,
  tenantId: d.tenantId,
});

function KernelForm({ kernel }: { kernel: KernelDef }) {
  const [kept] = useState(() => (carried?.kernel === kernel.id ? carried : null));
  const [draft, setDraft] = useState<KernelDraft>(() => ({
    ...kernelDraft(kernel),
    ...kept?.typed,
  }));
  const [error, setError] = useState<FormError | null>(kept?.error ?? null);
  const errorId = useId();
  const formRef = useRefocusAfterApply();
  const software = useSoftwareAdapter();
  const policyHintId = useId();
  const behaviorHintId = useId();
  const auto = useAutoApply(commit, kept !== null);
  const edit = (next: KernelDraft) => {
    auto.touch();
    setDraft(next);
  };
  /**
   * A choice from a list (policy, backend, behaviour) applies at once, with the rest of the
   * draft. Where a typed value is what is wrong, the choice applies alone and the typed values
   * stay, with their error: "2,048" in Queue capacity had held back every choice made after it,
   * the lists showing values the kernel did not have.
   */
  const choose = (next: KernelDraft) => {
    setDraft(next);
    auto.now(() => {
      const config = workbenchStore().getState().config;
      const whole = updateKernel(config, kernel.id, kernelPatch(next));
      const asIs: KernelDraft = { ...next, ...typedOf(kernelDraft(kernel)) };
      if (whole.ok || !updateKernel(config, kernel.id, kernelPatch(asIs)).ok)
        return commit('choice', next);
      carried = {
        kernel: kernel.id,
        typed: typedOf(next),
        error: { text: whole.error, field: errorField(whole.error) },
      };
      setTimeout(() => {
        carried = null;
      }, 0);
      if (!commit('choice', asIs)) {
        carried = null;
        return false;
      }
      refused('choice', `kernel ${kernel.id}`, whole.error);
      // This form is done: the next one holds the typed values, still to apply.
      return true;
    });
  };
  function submit(e: FormEvent) {
    e.preventDefault();
    auto.run('submit');
  }
  function commit(reason: CommitReason, d: KernelDraft = draft): boolean {
    const draft = d;
    const fail = (why: string) => {
      setError({ text: why, field: errorField(why) });
      refused(reason, `kernel ${kernel.id}`, why);
      return false;
    };
    const store = workbenchStore().getState();
    const result = updateKernel(store.config, kernel.id, kernelPatch(draft));
    if (!result.ok) return fail(result.error);
    // Nothing changed (Enter in a field left as it was): no step to undo and no notice; it had
    // made an "Updated kernel" step that undid nothing (QA).
    if (sameValue(findKernel(result.config, draft.id), findKernel(store.config, kernel.id))) {
      setError(null);
      return true;
    }
    // A choice from a list too: its form is replaced, and focus had fallen to the page.
    if (reason === 'submit' || reason === 'choice') keepFocusAcrossApply(formRef.current);
    if (!store.replace(result.config, result.note))
      return fail('the workspace refused it (see the notice).');
    if (draft.backend === 'webgpu' && kernel.backend !== 'webgpu') {
      // Forced onto a backend measured slower than its traffic: said now, with its undo, not
      // found later in the dead letters.
      const warning = forcedGpuWarning(
        store.snapshot?.kernels.find((k) => k.id === kernel.id),
        draft.overflowPolicy,
        store.snapshot?.edges,
        software,
      );
      if (warning)
        store.notify('warning', warning, {
          key: `forced-gpu:${kernel.id}`,
          action: { label: 'Undo', altText: 'Undo the backend change', run: () => store.undo() },
        });
    }
    // A renamed kernel stays selected under its new id.
    const sel = store.selection;
    if (reason === 'submit' || sel.includes(`kernel:${kernel.id}`))
      store.setSelection(
        reason === 'submit'
          ? [`kernel:${draft.id}`]
          : sel.map((x) => (x === `kernel:${kernel.id}` ? `kernel:${draft.id}` : x)),
      );
    setError(null);
    return true;
  }
  return (
    <form
      ref={formRef}
      onSubmit={submit}
      onBlur={auto.onBlur}
      onKeyDown={(e) => undoKeys(e, auto.clean())}
      aria-label={`Kernel ${kernel.id}`}
    >
      {/* Named: its live figures come first, and the Kernel id field with the name was below
          them, out of view in a short Inspector. */}
      <h2>
        Kernel <span className="heading-name">{kernel.id}</span>
      </h2>
      <KernelNow id={kernel.id} />
      <TextField
        error={error}
        errorId={errorId}
        label="Kernel id"
        value={draft.id}
        onChange={(v) => edit({ ...draft, id: v })}
        maxLength={128}
      />
      <TextField
        error={error}
        errorId={errorId}
        label="Queue capacity"
        value={draft.queueCapacity}
        onChange={(v) => edit({ ...draft, queueCapacity: v })}
        numeric
        hint={capacityHint(draft.queueCapacity)}
      />
      <label>
        Overflow policy
        <select
          aria-describedby={policyHintId}
          value={draft.overflowPolicy}
          onChange={(e) =>
            choose({ ...draft, overflowPolicy: e.target.value as KernelDef['overflowPolicy'] })
          }
        >
          <option value="reject">reject</option>
          <option value="dropOldest">dropOldest</option>
          <option value="deadLetter">deadLetter</option>
        </select>
      </label>
      {/* What the chosen policy does to a message that finds the queue full, in the panels'
          words: reject and deadLetter both refuse it and hold it as a dead letter, under another
          reason, which "reject (QueueFull)" beside a letter held as Rejected did not say. */}
      <small
        id={policyHintId}
        className="muted field-hint"
        title={POLICY_HINTS[draft.overflowPolicy].long}
      >
        {POLICY_HINTS[draft.overflowPolicy].short}
      </small>
      <TextField
        error={error}
        errorId={errorId}
        label="Tenant"
        value={draft.tenantId}
        onChange={(v) => edit({ ...draft, tenantId: v })}
        numeric
      />
      <label>
        Backend
        <select
          title="auto measures the CPU twin and WebGPU on live batches and runs the kernel where it is faster now (on a software adapter such as SwiftShader, that is the twin); webgpu runs on WebGPU whenever an adapter exists; cpu always runs the CPU twin"
          value={draft.backend}
          onChange={(e) => choose({ ...draft, backend: e.target.value as KernelDef['backend'] })}
        >
          <option value="auto">auto (measures, picks the faster)</option>
          <option value="webgpu">webgpu (forced)</option>
          <option value="cpu">cpu (CPU twin, forced)</option>
        </select>
      </label>
      <label>
        Behaviour
        <select
          aria-describedby={behaviorHintId}
          value={draft.behavior}
          onChange={(e) => choose({ ...draft, behavior: e.target.value as KernelDef['behavior'] })}
        >
          <option value="fraud">fraud processor</option>
          <option value="aggregator">aggregator</option>
          <option value="pattern">pattern detector</option>
          <option value="generic">generic (count and echo)</option>
        </select>
      </label>
      <small id={behaviorHintId} className="muted field-hint" data-testid="behavior-rule">
        {BEHAVIOR_RULES[draft.behavior]}
      </small>
      <NextHop kernelId={kernel.id} />
      <p className="muted">
        A choice from a list applies at once; typed edits when you press Enter or leave the form.
        Undo reverts them.
      </p>
      <ApplyBar
        error={error}
        errorId={errorId}
        remove={{ label: 'Delete kernel', nodeId: kernelNodeId(kernel.id), discard: auto.discard }}
      />
    </form>
  );
}

/**
 * A kernel's K2K next hop, set from the keyboard: it could only be drawn, a drag from one
 * kernel's handle to another's, which no keyboard reaches (WCAG 2.1.1, QA). A choice from the
 * list applies at once, as the form's other lists do (its footnote says so).
 */
function NextHop({ kernelId }: { kernelId: string }) {
  const config = useWorkbench((s) => s.config);
  const hop = config.k2kRoutes.find((r) => r.dest === kernelId)?.nextHop;
  const others = config.kernels.filter((k) => k.id !== kernelId);
  if (others.length === 0) return null;
  return (
    <fieldset>
      <legend>K2K next hop</legend>
      <label>
        Next hop
        <select
          value={hop ?? ''}
          onChange={(e) => {
            const s = workbenchStore().getState();
            const to = e.target.value;
            s.apply(to === '' ? removeK2k(s.config, kernelId) : connectK2k(s.config, kernelId, to));
          }}
        >
          <option value="">none</option>
          {others.map((k) => (
            <option key={k.id} value={k.id}>
              {k.id}
            </option>
          ))}
        </select>
      </label>
      <p className="muted" data-testid="next-hop-now">
        {hop
          ? `Messages for "${kernelId}" go via "${hop}" wherever it is not registered with the broker.`
          : `None: messages for "${kernelId}" go to it directly.`}
      </p>
    </fieldset>
  );
}

/**
 * What a queue capacity that is no power of two runs as: the core rounds it up, and "Queue
 * capacity 100" here beside "0 / 128" on the graph read as a bug.
 */
function capacityHint(text: string): string | undefined {
  const n = num(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_QUEUE_CAPACITY) return undefined;
  const runs = roundCapacity(n);
  return runs === n
    ? undefined
    : `Runs as ${runs.toLocaleString('en-US')}: queues hold a power of two.`;
}

/**
 * What each overflow policy does with a message that finds its queue full: one line under the
 * list (three had pushed Backend below the fold at 1280x720), the whole of it on hover.
 */
const POLICY_HINTS: Record<KernelDef['overflowPolicy'], { short: string; long: string }> = {
  reject: {
    short: 'Full: refuses the new one, held as Rejected.',
    long: 'A full queue refuses the new message (receipt QueueFull); it is held as a dead letter, reason Rejected.',
  },
  dropOldest: {
    short: 'Full: evicts the oldest, held as DroppedOldest.',
    long: 'A full queue takes the new message and evicts its oldest (receipt Delivered); the evicted one is held as a dead letter, reason DroppedOldest.',
  },
  deadLetter: {
    short: 'Full: refuses the new one, held as QueueFull.',
    long: 'A full queue refuses the new message (receipt QueueFull); it is held as a dead letter, reason QueueFull.',
  },
};

/**
 * Deletes the node the form edits, as Delete on the graph does (its routes go with it; undo
 * brings it back): a newcomer who does not know to select and press Delete had no way to it.
 */
function deleteNode(nodeId: string, discard: () => void): void {
  // What is typed in the form goes with the node: applied as the form closed, it had said the
  // edit was "not applied and is discarded: No kernel …" right after the delete.
  discard();
  applyRemoval((config) => deleteNodes(config, [nodeId]));
}

/**
 * A form's Apply, kept at the Inspector's foot while the form scrolls under it: at 1280x720 the
 * Inspector is about 350 px high, and the kernel form's Apply was below the fold.
 */
function ApplyBar({
  error,
  errorId,
  remove,
}: {
  error: FormError | null;
  errorId: string;
  /** The delete button's label, the node it deletes, and how the form drops its draft. */
  remove: { label: string; nodeId: string; discard: () => void };
}) {
  const bar = useRef<HTMLDivElement>(null);
  // The field the error is about, scrolled clear of the bar the error made taller: a Queue
  // capacity of 0 refused under the Apply bar left its field half under the error's two lines.
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el || !error) return;
    const field = el.closest('form')?.querySelector<HTMLElement>('[aria-invalid="true"]');
    const scroller = el.closest<HTMLElement>('aside');
    if (!field || !scroller) return;
    const under = field.getBoundingClientRect().bottom - el.getBoundingClientRect().top;
    if (under > 0) scroller.scrollTop += under + 8;
    // Above the view (a payload field's size, the form scrolled down to Apply): brought in.
    else if (field.getBoundingClientRect().top < scroller.getBoundingClientRect().top)
      field.scrollIntoView({ block: 'nearest' });
  }, [error]);
  // The error in the bar, in view wherever the form is scrolled: under the fields, at 1280x720
  // "Type id 1001 is already used by Transaction." sat below the fold, behind this bar.
  return (
    <div className="form-actions" ref={bar}>
      {error ? (
        <p role="alert" className="error" id={errorId}>
          {error.text}
        </p>
      ) : null}
      <button type="submit">Apply</button>{' '}
      <button
        type="button"
        className="delete-node"
        onClick={() => deleteNode(remove.nodeId, remove.discard)}
      >
        {remove.label}
      </button>
    </div>
  );
}

/** A labelled text input; numeric ones bring up the number keyboard on touch devices. */
function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  numeric?: boolean;
  maxLength?: number;
  /** A line under the field (described by it). */
  hint?: string | undefined;
  /** The form's error: the field is marked invalid, and described by it, when it is about this field. */
  error: FormError | null;
  errorId: string;
}) {
  const hintId = useId();
  const invalid = props.error !== null && props.error.field === props.label;
  const describedBy = [props.hint ? hintId : '', invalid ? props.errorId : '']
    .filter(Boolean)
    .join(' ');
  // The hint outside the label: inside, it became part of the field's accessible name.
  return (
    <>
      <label>
        {props.label}
        <input
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          {...(props.numeric ? { inputMode: 'numeric' as const } : {})}
          {...(props.maxLength ? { maxLength: props.maxLength } : {})}
          {...(describedBy ? { 'aria-describedby': describedBy } : {})}
          {...(invalid ? { 'aria-invalid': true } : {})}
        />
      </label>
      {props.hint ? (
        <small id={hintId} className="muted field-hint">
          {props.hint}
        </small>
      ) : null}
    </>
  );
}
