import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type SyntheticEvent,
} from 'react';
import { parseConfig, type RouteConfig } from '../../core/config';
import {
  DEFAULT_PATTERN,
  type ArrivalPattern,
  type EngineReply,
  type GeneratorSpec,
  type PayloadValues,
} from '../../engine/protocol';
import { useEngine } from '../engineContext';
import { useOpenTrace } from '../analysis';
import {
  canonicalTypeId,
  findKernel,
  findType,
  routeOf,
  typeIdOfText,
  typesNamedAlike,
} from '../../state/edits';
import { useLive, useLiveValue, useStale } from '../../state/live';
import { SUSTAINED_S } from '../../state/sustained';
import { engineLimit, useMeanWhenBehind } from '../live/engineLimit';
import { useWorkbench, workbenchStore } from '../../state/store';
import type {
  GeneratorFormState,
  PublishPending,
  PublishResult,
  PublishSend,
} from '../../state/injectForm';
import {
  checkGeneratorForm,
  describeErrors,
  formOfSpec,
  generatorSpecOf,
  mixText,
  plainNumber,
  mixNotes,
  routedMix,
  runSpan,
  sameRun,
  U64_MAX_TEXT,
  whole,
  type GeneratorField,
} from './generatorSpec';
import {
  countOf,
  formatClock,
  formatCompact,
  formatCount,
  formatCounts,
  formatRate,
} from '../design/format';
import { F32_MAX_TEXT } from '../../engine/payload';
import { splitAtOnce } from './atOnce';
import { useFocusHandOver } from '../design/useFocusHandOver';

type Field = RouteConfig['messageTypes'][number]['fields'][number];
type Preset = NonNullable<RouteConfig['generatorPresets']>[number];

/**
 * Each integer type's range, and how its errors say it: digits grouped, the 64-bit bounds as
 * powers of two (the type id box says "0 to 2^64 − 1" too). "u64 is 0..18446744073709551615" read
 * as one unbroken run of digits and wrapped under its field.
 */
const INT_RANGES: Record<string, { lo: bigint; hi: bigint; text: string }> = {
  u8: { lo: 0n, hi: 255n, text: '0 to 255' },
  u16: { lo: 0n, hi: 65535n, text: '0 to 65,535' },
  u32: { lo: 0n, hi: 4294967295n, text: '0 to 4,294,967,295' },
  u64: { lo: 0n, hi: 2n ** 64n - 1n, text: `0 to ${U64_MAX_TEXT}` },
  i32: { lo: -2147483648n, hi: 2147483647n, text: '−2,147,483,648 to 2,147,483,647' },
  i64: { lo: -(2n ** 63n), hi: 2n ** 63n - 1n, text: '−2^63 to 2^63\u00a0−\u00a01' },
};

/** Check one form value against its field type; returns the typed value or an error message. */
export function parseFieldValue(
  f: Field,
  raw: string,
): { ok: true; value: number | bigint | boolean | string } | { ok: false; error: string } {
  // Digit separators out ("6,942.15", "10_000"), as every number box takes them.
  const text = f.type === 'bool' || f.type === 'bytes' ? raw.trim() : plainNumber(raw);
  if (f.type === 'bool') {
    // In any case, and as the byte it is written as: "TRUE" and "1" had been refused.
    const b = text.toLowerCase();
    return b === 'true' || b === '1'
      ? { ok: true, value: true }
      : b === 'false' || b === '0'
        ? { ok: true, value: false }
        : { ok: false, error: `${f.name}: true or false (or 1 or 0)` };
  }
  if (f.type === 'f32' || f.type === 'f64') {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n))
      return { ok: false, error: `${f.name}: a finite number` };
    // Past ±3.4e38 an f32 is Infinity.
    return f.type === 'f32' && !Number.isFinite(Math.fround(n))
      ? { ok: false, error: `${f.name}: f32 is within ±${F32_MAX_TEXT}` }
      : { ok: true, value: n };
  }
  if (f.type === 'bytes') {
    const max = (f.size ?? 8) * 2;
    return /^([0-9a-fA-F]{2})*$/.test(text) && text.length <= max
      ? { ok: true, value: text }
      : { ok: false, error: `${f.name}: hex, at most ${f.size ?? 8} bytes` };
  }
  const range = INT_RANGES[f.type];
  if (!range) return { ok: false, error: `${f.name}: a whole number` };
  // Not a whole number, or one out of range: the same words, with the range.
  const refused = { ok: false, error: `${f.name}: a whole number from ${range.text}` } as const;
  if (!/^-?\d+$/.test(text)) return refused;
  const v = BigInt(text);
  if (v < range.lo || v > range.hi) return refused;
  return { ok: true, value: f.type === 'u64' || f.type === 'i64' ? v : Number(v) };
}

function randomFill(f: Field): string {
  const r = Math.random();
  switch (f.type) {
    case 'bool':
      return r < 0.5 ? 'true' : 'false';
    case 'f32':
    case 'f64':
      return (Math.round(r * 20_000 * 100) / 100).toString();
    case 'bytes':
      return Array.from({ length: f.size ?? 8 }, () =>
        Math.floor(Math.random() * 256)
          .toString(16)
          .padStart(2, '0'),
      ).join('');
    case 'u8':
      return String(Math.floor(r * 256));
    case 'u16':
      return String(Math.floor(r * 65536));
    default:
      return String(Math.floor(r * 100_000));
  }
}

export function InjectPanel() {
  const config = useWorkbench((s) => s.config);
  // Form values live in the store's inject slice: switching tabs or panes keeps them.
  const typed = useWorkbench((s) => s.publishForm.typeText);
  const typeText =
    typed ?? String(config.routes[0]?.typeId ?? config.messageTypes[0]?.typeId ?? '');
  const setTypeText = (text: string) =>
    workbenchStore().getState().setPublishForm({ typeText: text });
  const typeId = useMemo(() => typeIdOfText(config, typeText), [config, typeText]);
  // The box holds a type's name, not its id: the id is shown beside it.
  const byName = typeId !== null && canonicalTypeId(typeText) === null;
  // While the box holds no type id (being retyped, or a typo) the last type's form stays, its
  // sends disabled: the whole form, fields and buttons, vanished at the first wrong letter.
  const [lastTypeId, setLastTypeId] = useState(typeId);
  if (typeId !== null && typeId !== lastTypeId) setLastTypeId(typeId);
  const shownId = typeId ?? lastTypeId;
  const type = shownId === null ? undefined : findType(config, shownId);
  const typeErrorId = useId();
  // Types whose names the text gives in another case: more than one, and it names none.
  const alike = useMemo(
    () => (typeId === null ? typesNamedAlike(config, typeText) : []),
    [config, typeText, typeId],
  );
  return (
    <div className="inject">
      <section aria-label="Publish">
        <h3>Publish</h3>
        <label className="inline">
          Message type
          <input
            list="type-ids"
            aria-label="Message type id"
            value={typeText}
            onChange={(e) => setTypeText(e.target.value)}
            size={12}
            {...(typeId === null ? { 'aria-invalid': true, 'aria-describedby': typeErrorId } : {})}
          />
          <datalist id="type-ids">
            {config.messageTypes.map((t) => (
              <option key={String(t.typeId)} value={String(t.typeId)}>
                {t.name}
              </option>
            ))}
          </datalist>
        </label>{' '}
        {typeId === null ? (
          <span className="error" id={typeErrorId} data-testid="type-id-error">
            {alike.length > 1
              ? `names ${alike.length} types in another case: ${alike.map((t) => `${t.name} (${String(t.typeId)})`).join(', ')}; type one's name exactly, or its id`
              : `not a type id (a whole number from 0 to ${U64_MAX_TEXT}) or a type's name`}
            {shownId === null ? '' : `; sending is off until it is one`}
          </span>
        ) : (
          <span className="muted inject-type-name">
            {type
              ? byName
                ? `${type.name} (${String(type.typeId)})`
                : type.name
              : 'not defined here: it will get NoRoute and a dead letter'}
          </span>
        )}
        {shownId !== null ? (
          <PublishForm
            key={String(shownId)}
            typeId={shownId}
            typeLabel={type ? `${type.name} (${String(type.typeId)})` : `type ${String(shownId)}`}
            fields={type?.fields ?? []}
            sendOff={typeId === null}
          />
        ) : null}
      </section>
      <GeneratorForm />
    </div>
  );
}

const PRESET_NAME_ERROR = 'Name the preset first (Preset name).';
/** A preset's fields by the form's labels, for what the config refuses in one. */
const PRESET_FIELDS: Record<string, string> = {
  ratePerSec: 'Rate',
  zipfS: 'Zipf skew s',
  accounts: 'Accounts',
  durationMs: 'Duration',
  priority: 'Generator priority',
  seed: 'Seed',
  mix: 'Mix',
  name: 'Preset name',
};
const BURST_ERROR = 'Burst size must be a whole number from 1 to 1,000,000.';
const PRIORITY_ERROR = 'Priority is a u8 (0 to 255).';

/** What a send would be refused for: the message, and the box it is about (a field by name). */
interface Problem {
  error: string;
  at: { field: string } | 'count' | 'priority';
}

/**
 * Brings a new result line into view when its pane shows it only in part (the pane scrolled so the
 * buttons sat at its bottom): the least scroll, none when it is in view. A stable function, so
 * React calls it only when the line mounts (keyed by send).
 */
function revealNearest(el: HTMLElement | null) {
  el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** How long after its send a result line is new: it flashes and is brought into view. */
const RESULT_NEW_MS = 1500;

/**
 * What a send did, with the time it was sent and a flash as it comes: a second send of the same
 * burst had left the line word for word as it was, as if nothing had happened. Only a line that
 * is new flashes and is scrolled to: kept in the store, an old one comes back each time the form
 * does (another type, the tab again), and had flashed as if sent again.
 */
function ResultLine({ result, ofAnotherType }: { result: PublishResult; ofAnotherType: boolean }) {
  const openTrace = useOpenTrace();
  const [fresh] = useState(() => Date.now() - result.atMs < RESULT_NEW_MS);
  return (
    <span
      role="status"
      className={fresh ? 'send-result fresh' : 'send-result'}
      ref={fresh ? revealNearest : undefined}
      data-seq={result.seq}
    >
      {ofAnotherType ? `${result.typeLabel}: ` : ''}
      {result.text} <span className="muted">· {formatClock(result.atMs * 1000)}</span>
      {result.traceId !== undefined ? (
        <>
          {' '}
          <button
            type="button"
            className="btn-link"
            aria-label={`Trace message ${result.traceId}`}
            title="Open this message's causal chain in the Trace panel"
            onClick={() => openTrace(result.traceId!)}
          >
            Trace
          </button>
        </>
      ) : null}
    </span>
  );
}

function PublishForm({
  typeId,
  typeLabel,
  fields,
  sendOff,
}: {
  typeId: number | string;
  /** "Transaction (1001)", or "type 4242" for a type the config does not define. */
  typeLabel: string;
  fields: Field[];
  /** The type id box holds no type id: the form shows the last type's fields, sending is off. */
  sendOff: boolean;
}) {
  const engine = useEngine();
  const typeKey = String(typeId);
  // The kernel the type is routed to, if its policy is reject: its refusals are QueueFull
  // receipts but Rejected dead letters, and the result line says so.
  const rejecting = useWorkbench((s) => {
    const route = routeOf(s.config, typeId);
    const k = route === undefined ? undefined : findKernel(s.config, route);
    return k?.overflowPolicy === 'reject' ? k.id : null;
  });
  const stored = useWorkbench((s) =>
    Object.hasOwn(s.publishForm.values, typeKey) ? s.publishForm.values[typeKey] : undefined,
  );
  // A type's first random fill is kept in the store like typed values, so leaving the tab and
  // coming back shows the same values (they were drawn afresh at every mount).
  const [initial] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, randomFill(f)])),
  );
  const values = stored ?? initial;
  const setValues = (next: Record<string, string>) =>
    workbenchStore().getState().setPublishValues(typeKey, next);
  useEffect(() => {
    const kept = stored ?? initial;
    // A field added to the type since (in the Inspector) gets a random fill too: it came up
    // empty, and Send one was refused for it.
    const added = fields.filter((f) => !Object.hasOwn(kept, f.name));
    if (stored === undefined || added.length > 0)
      workbenchStore()
        .getState()
        .setPublishValues(typeKey, {
          ...kept,
          ...Object.fromEntries(added.map((f) => [f.name, randomFill(f)])),
        });
  }, [stored, typeKey, initial, fields]);
  const count = useWorkbench((s) => s.publishForm.count);
  const priority = useWorkbench((s) => s.publishForm.priority);
  const setCount = (v: string) => workbenchStore().getState().setPublishForm({ count: v });
  const setPriority = (v: string) => workbenchStore().getState().setPublishForm({ priority: v });
  // The last send refused for a wrong value (a burst also checks the burst size), or null. What is
  // wrong is worked out from the form as it is now: each mark and the message beside the buttons
  // follow the values, and go once they are fixed, by typing or by Random fill. Kept as text, "Not
  // sent: id: …" and the priority's red outline outlived the fix.
  const [refused, setRefused] = useState<{ burst: boolean } | null>(null);
  // What the last send did, kept in the store (the form is built anew for each type and each time
  // the tab comes back); `seq` tells one send's line from the next (see revealNearest). A send of
  // another type than the form's names its type.
  const result = useWorkbench((s) => s.publishResult);
  const setResult = (r: Omit<PublishResult, 'seq'> | null) =>
    workbenchStore().getState().setPublishResult(r);
  // A send on its way (its reply not back yet): the buttons are off meanwhile (aria-disabled, so
  // the one pressed keeps the keyboard focus), and a long one's progress shows from the snapshots
  // the engine posts while it sends (`snapshot.sending`). Before, a burst of a million showed
  // nothing for the second or two it took, and a second click queued another million behind it.
  const pending = useWorkbench((s) => s.publishSending);
  const setPending = (v: PublishPending | null) => workbenchStore().getState().setPublishSending(v);
  const sendingCount = useLive((s) => s?.sending?.count ?? null);
  const sendingSent = useLive((s) => s?.sending?.sent ?? 0);
  const progress = pending !== null && sendingCount !== null;
  // The bar's height when the send began is kept until its answer shows (`PublishPending.barPx`).
  const bar = useRef<HTMLDivElement>(null);
  // Not shown while the type id box holds no type id (the last send's "Sent 1. At once: NoRoute
  // 1" stood beside the form, as if it said something of what the box holds), nor while a send
  // waits for its answer: the one before it had come back between the send's last snapshot and
  // its answer.
  const shownResult = result && !sendOff && pending === null ? result : null;
  const ofType = (s: PublishSend) => (s.typeKey === typeKey ? '' : ` of ${s.typeLabel}`);
  const parsed = fields.map((f) =>
    parseFieldValue(f, Object.hasOwn(values, f.name) ? (values[f.name] ?? '') : ''),
  );
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const errorId = useId();
  const countInput = useRef<HTMLInputElement>(null);
  const priorityInput = useRef<HTMLInputElement>(null);
  const countWrong = Number.isNaN(whole(count, 1, 1_000_000));
  const priorityWrong = Number.isNaN(whole(priority, 0, 255));

  /** What a send (a burst, or one) would be refused for now, in the order it is said. */
  const problems = (burst: boolean): Problem[] => [
    ...fields.flatMap((f, i) => {
      const r = parsed[i]!;
      return r.ok ? [] : [{ error: r.error, at: { field: f.name } }];
    }),
    ...(burst && countWrong ? [{ error: BURST_ERROR, at: 'count' as const }] : []),
    ...(priorityWrong ? [{ error: PRIORITY_ERROR, at: 'priority' as const }] : []),
  ];
  const wrong = refused ? problems(refused.burst) : [];
  const more = wrong.length - 1;
  const error =
    wrong.length === 0
      ? null
      : `Not sent: ${wrong[0]!.error.replace(/\.$/, '')}` +
        (more > 0 ? `, and ${more} more ${more === 1 ? 'value' : 'values'} marked.` : '.');
  const countMarked = refused?.burst === true && countWrong;
  const priorityMarked = refused !== null && priorityWrong;

  async function send(e: SyntheticEvent, burst: boolean) {
    e.preventDefault();
    // The store's, not this render's: two presses within one frame.
    if (sendOff || workbenchStore().getState().publishSending !== null) return;
    const now = problems(burst);
    if (now.length > 0) {
      // Each wrong value is marked at its box, and the last send's "Sent 1." goes: beside the
      // new error it read as if this send had gone too.
      setRefused({ burst });
      setResult(null);
      // Focus brings the box into view in a short pane.
      const at = now[0]!.at;
      const input =
        at === 'count'
          ? countInput.current
          : at === 'priority'
            ? priorityInput.current
            : inputs.current.get(at.field);
      input?.focus();
      return;
    }
    setRefused(null);
    // Field names are user data ("__proto__" included): build the object from entries, never by
    // assignment, so no name can reach the prototype.
    const entries: [string, PayloadValues[string]][] = [];
    fields.forEach((f, i) => {
      const r = parsed[i]!;
      if (r.ok) entries.push([f.name, r.value]);
    });
    const payload: PayloadValues = Object.fromEntries(entries);
    const sent: PublishSend = { typeKey, typeLabel };
    setPending({ ...sent, barPx: bar.current?.offsetHeight ?? null });
    let reply: EngineReply<'inject'>;
    try {
      reply = await engine.request({
        type: 'inject',
        typeId,
        count: burst ? whole(count, 1, 1_000_000) : 1,
        payload,
        priority: whole(priority, 0, 255),
      });
    } finally {
      // Also when the request threw before it was sent (a recorder that failed): sending on again.
      setPending(null);
    }
    // What was sent stays in the form (a random fill included) until the user changes it.
    if (!stored) setValues(values);
    const say = (text: string, traceId?: number) =>
      setResult({
        ...sent,
        text,
        atMs: Date.now(),
        ...(traceId === undefined ? {} : { traceId }),
      });
    if (!reply.ok) return say(reply.error.message);
    // Which messages they were (ids as Receipts and Trace show them): under generated traffic
    // "Sent 1." left the message to be found among 100,000 a second.
    const { ids } = reply;
    const named = !ids
      ? '.'
      : ids.first === ids.last
        ? `: message ${ids.first}.`
        : `: messages ${ids.first} to ${ids.last}.`;
    // What the send itself answered with besides deliveries (refusals at a full queue, NoRoute,
    // older messages a dropOldest queue evicted): "Sent 50,000." alone hid 45,904 refusals.
    const { refused: refusedAtOnce, evicted } = splitAtOnce(reply.atOnce);
    // ("At once:" before them did not say whether those were sent, refused or something else.)
    const refused = formatCounts(refusedAtOnce);
    const said = [
      refused ? `Refused on send: ${refused}` : '',
      evicted > 0
        ? `${formatCount(evicted)} queued messages evicted by dropOldest to make room`
        : '',
      reply.lettersLost
        ? `${countOf(reply.lettersLost, 'older dead letter')} pushed out of the full dead-letter queue, lost for good`
        : '',
    ].filter(Boolean);
    say(
      `Sent ${formatCount(reply.count)}${named}` +
        (said.length ? ` ${said.join('; ')} (see Receipts and Dead letters).` : '') +
        // Filtering Dead letters by QueueFull found none of them.
        (rejecting && (refusedAtOnce.QueueFull ?? 0) > 0
          ? ` Their dead letters read Rejected: ${rejecting}'s policy is reject.`
          : ''),
      ids?.first,
    );
  }

  return (
    <form onSubmit={(e) => void send(e, false)} aria-label="Publish form">
      {/* The buttons, and what a send did or why it was refused, come first, under the type: below
          the fields, in the dock's two columns at 1440x900, "Sent 50,000. At once: QueueFull …"
          fell under the pane's fold and a click on Send burst seemed to do nothing. Start and what
          runs sit under the generator's heading the same way. */}
      <div
        className="panel-bar"
        ref={bar}
        style={pending?.barPx ? { minHeight: pending.barPx } : undefined}
      >
        <button
          type="button"
          onClick={() => setValues(Object.fromEntries(fields.map((f) => [f.name, randomFill(f)])))}
        >
          Random fill
        </button>
        <button type="submit" disabled={sendOff} aria-disabled={pending !== null || undefined}>
          Send one
        </button>
        <label className="inline">
          {/* The label's words are its name's (WCAG 2.5.3): "burst of" had read beside a box
              named "Burst size". */}
          burst size
          <input
            aria-label="Burst size"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            // Enter here sends the burst: the form's own submit, Send one, had sent a single
            // message whatever the box held, and never checked it (QA).
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
              void send(e, true);
            }}
            size={7}
            ref={countInput}
            {...(countMarked
              ? { 'aria-invalid': true, 'aria-errormessage': `${errorId}-send` }
              : {})}
          />
        </label>
        <button
          type="button"
          disabled={sendOff}
          aria-disabled={pending !== null || undefined}
          onClick={(e) => void send(e, true)}
        >
          Send burst
        </button>
        {progress ? (
          // Not a live region: rewritten ten times a second, it was read out as often; the
          // result line that follows is one.
          <span className="send-progress" data-testid="send-progress">
            Sending {formatCount(sendingCount)}
            {ofType(pending)}: {formatCount(sendingSent)} sent
            <progress max={sendingCount} value={sendingSent} aria-label="Sent so far" />
          </span>
        ) : null}
        {error ? (
          <span role="alert" className="error" id={`${errorId}-send`}>
            {error}
          </span>
        ) : null}
        {shownResult ? (
          <ResultLine
            key={shownResult.seq}
            result={shownResult}
            ofAnotherType={shownResult.typeKey !== typeKey}
          />
        ) : null}
      </div>
      <div className="form-grid">
        {fields.map((f, i) => {
          const r = parsed[i]!;
          const fieldError = refused && !r.ok ? r.error : null;
          return (
            <label key={f.name}>
              {/* Name and type on one line: a line each pushed the send buttons out of a 335 px pane. */}
              <span>
                {f.name} <span className="muted">{f.type}</span>
              </span>
              <input
                aria-label={`Field ${f.name}`}
                value={values[f.name] ?? ''}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                ref={(el) => {
                  if (el) inputs.current.set(f.name, el);
                  else inputs.current.delete(f.name);
                }}
                {...(fieldError
                  ? { 'aria-invalid': true, 'aria-describedby': `${errorId}-${i}` }
                  : {})}
              />
              {fieldError ? (
                <small id={`${errorId}-${i}`} className="error field-error">
                  {fieldError}
                </small>
              ) : null}
            </label>
          );
        })}
        {/* Not a payload field: the envelope's, hence "header" where a field shows its type. */}
        <label title="The message's priority in its envelope (0 to 255), not a payload field: a queue hands higher priorities to its kernel first">
          <span>
            priority <span className="muted">header</span>
          </span>
          <input
            aria-label="Priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            ref={priorityInput}
            {...(priorityMarked
              ? {
                  'aria-invalid': true,
                  'aria-errormessage': `${errorId}-send`,
                  'aria-describedby': `${errorId}-priority`,
                }
              : {})}
          />
          {/* At the box too, as a payload field's error is: only in the line under Send, far
              above it, the box had a red outline and nothing under it. */}
          {priorityMarked ? (
            <small id={`${errorId}-priority`} className="error field-error">
              {PRIORITY_ERROR}
            </small>
          ) : null}
        </label>
      </div>
    </form>
  );
}

/** Each arrival pattern in words (generators.ts draws them). */
const PATTERN_HELP: Record<ArrivalPattern, string> = {
  constant: 'constant: one message every 1/rate seconds, evenly spaced',
  poisson:
    'Poisson: random arrivals at the mean rate, exponential gaps between them (as independent clients send)',
  bursts:
    "bursts: 10 a second, each a tenth of a second's messages arriving at one instant (at 5,000/s, 500 at once every 100 ms)",
};

function GeneratorForm() {
  const engine = useEngine();
  const config = useWorkbench((s) => s.config);
  const running = useLive((s) => s?.generator.running ?? false);
  const emitted = useLive((s) => s?.generator.emitted ?? 0);
  const onWorker = useLive((s) => s?.generator.onWorker ?? false);
  const finished = useLive((s) => !s?.generator.running && s?.generator.finished === true);
  // What runs, which may differ from the form (started from a preset, the toolbar or the API).
  const spec = useLive((s) => (s?.generator.running ? s.generator.spec : undefined));
  // With its length: the form's default run of 10 s ended "without warning" in a review.
  // A timed run says how long on the line; "until stopped" is on hover only (the Stop button says
  // as much): at 1440x900 the line had been cut there, at 307 px.
  const runningAs = spec
    ? `${formatRate(spec.ratePerSec)} ${spec.pattern ?? DEFAULT_PATTERN}${spec.seed === undefined ? '' : `, seed ${spec.seed}`}`
    : '';
  const span = spec ? runSpan(spec) : '';
  const timed = (spec?.durationMs ?? 0) > 0;
  // A run that went its whole duration says so, as the toolbar does ("finished · 15.0 K sent").
  // The count first: where the line is cut (the generator's column at 1440x900), the end goes.
  // "running at" and "own worker" (the title says it) left out: at 1440x900 the line had read
  // "6,217,728 sent · running at 2.00 M/s constan…", its pattern, seed and length cut.
  // The engine not keeping up is said here too, under the rate typed, as the toolbar's amber
  // badge says it (the same test and the same mean of the last 3 s): "4,063,232 sent · 5.00 M/s
  // poisson" had read on while 1.7 M/s entered and the run fell 34 s behind its schedule.
  const mean = useMeanWhenBehind();
  // Just after a burst sent by hand the send held the generator back, not the engine's limit:
  // the toolbar reads "resuming" then, and this line had read an amber "931 K of 1.00 M/s".
  const sendEnded = useWorkbench((s) => s.sendEnded);
  // Dimmed with its age while running and no snapshot came for a second, as the toolbar's badge.
  const stale = useStale();
  const limit = useLiveValue((s) => {
    const l = engineLimit(s, mean, sendEnded);
    // The lag to the tenth of a second the line shows: to the ms it re-rendered the panel at
    // every snapshot shown.
    return l
      ? { sustained: l.sustained, asked: l.asked, lagMs: Math.round(l.lagMs / 100) * 100 }
      : null;
  });
  const behindText = limit
    ? `${formatCompact(limit.sustained)} of ${formatRate(limit.asked)}, ${(limit.lagMs / 1000).toFixed(limit.lagMs < 10_000 ? 1 : 0)} s behind`
    : null;
  const statusText = running
    ? // Behind, the shortfall first: where the line is cut (the generator's column at 1440x900),
      // the count goes ("41,055,232 sent · 4.58 M of 10.0 M/s, 6.6 s b…"); the hover has it.
      behindText
      ? // The count compact here (the hover has it whole): at 1440x900 "· 13,770,752…" was cut.
        `${behindText} · ${formatCompact(emitted)} sent`
      : `${emitted.toLocaleString('en-US')} sent · ${runningAs}${timed ? `, ${span}` : ''}`
    : // Stopped, the count is the last run's: "19,594,240 sent" beside the status bar's
      // "injected 35,409,920" (two runs, and sends by hand) read as a contradiction.
      // Before any run, none: "0 sent" under Start read as a run that sent nothing (QA).
      !finished && emitted === 0
      ? 'not started yet'
      : `${finished ? 'finished: ' : emitted > 0 ? 'last run: ' : ''}${emitted.toLocaleString('en-US')} sent`;
  const statusTitle = running
    ? `${emitted.toLocaleString('en-US')} sent in this run · ${runningAs}, ${span}` +
      (limit
        ? `. The engine does not keep up: messages enter at ${formatRate(limit.sustained)} (over the last ${SUSTAINED_S} s at most) of the ${formatRate(limit.asked)} asked, and the generator is ${(limit.lagMs / 1000).toFixed(1)} s behind its schedule`
        : '')
    : emitted > 0
      ? `${statusText} by the generator's last run (the status bar's "injected" counts every run and every send by hand since the counters were reset)`
      : statusText;
  const mixOfRoutes = useMemo(() => routedMix(config.routes), [config.routes]);
  const stored = useWorkbench((s) => s.generatorForm);
  // Until the mix is edited it follows the routes: every routed type at weight 1.
  const form = { ...stored, mix: stored.mix ?? mixOfRoutes };
  const [error, setError] = useState<string | null>(null);
  const setForm = (patch: Partial<GeneratorFormState>) => {
    // A name typed answers "Name the preset first": it had stood beside the name given.
    if (patch.name !== undefined && error === PRESET_NAME_ERROR) setError(null);
    workbenchStore().getState().setGeneratorForm(patch);
  };
  // A run the form did not describe (started by the API's startGenerator): the form shows what
  // runs once it starts. It had read "Rate 1000 / Poisson" beside a run at 2 M/s constant. Only
  // at a start: edits for the next run made while one runs are the user's.
  const startedUs = useLive((s) => (s?.generator.running ? s.generator.startedUs : undefined));
  // Whether the form would start another run than the one going (or cannot start one).
  const formDiffers = useMemo(() => {
    if (!running || !spec) return false;
    const fromForm = generatorSpecOf(stored, config.routes);
    return typeof fromForm === 'string' || !sameRun(fromForm, spec, config);
  }, [running, spec, stored, config]);
  // Start, Stop and Restart replace one another: the one that takes the pressed one's place takes
  // its focus (Restart goes once the new run is the form's: Stop takes it).
  const startButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const hand = useFocusHandOver(
    running ? (formDiffers ? 'restart' : 'stop') : 'start',
    () => (running ? stopButton : startButton).current,
  );
  useEffect(() => {
    const live = workbenchStore().getState();
    const now = live.snapshot?.generator;
    if (startedUs === undefined || !now?.running || !now.spec) return;
    // What the form already starts stays as typed ("1e6", a mix without spaces).
    const fromForm = generatorSpecOf(live.generatorForm, live.config.routes);
    if (typeof fromForm !== 'string' && sameRun(fromForm, now.spec, live.config)) return;
    live.setGeneratorForm(formOfSpec(now.spec, live.config));
  }, [startedUs]);
  // As in the publish form: once a start was refused each wrong field is marked, with its error
  // under it, and kept current as the user fixes it. The one message sat below the pane's fold
  // at 1280x720 and a refused Start looked like nothing happened.
  const [showFieldErrors, setShowFieldErrors] = useState(false);
  // Fields edited and left: each is marked as soon as it holds a wrong value. Only on a refused
  // Start, a Rate of "abc" left for the toolbar's Start was marked nowhere but in a toast (QA).
  const [left, setLeft] = useState<ReadonlySet<string>>(() => new Set());
  const edited = useRef(new Set<string>());
  const checked = checkGeneratorForm(stored, config.routes);
  const fieldErrors = new Map(
    checked.ok
      ? []
      : checked.errors
          .filter((x) => showFieldErrors || left.has(x.field))
          .map((x) => [x.field, x.error]),
  );
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const errorId = useId();
  // A press refused for the form's values: the line beside Start says what is wrong now, as the
  // fields do, until a press goes through. It had kept the first refusal's words ("Rate must be
  // more than 0…") after the rate was fixed, and named a field fixed since beside another (QA).
  const [refused, setRefused] = useState(false);
  const shownError = error ?? (refused && !checked.ok ? describeErrors(checked.errors) : null);

  /** The spec, or null after marking the wrong fields and focusing the first. */
  const toSpec = (): GeneratorSpec | null => {
    if (checked.ok) {
      setRefused(false);
      return checked.spec;
    }
    setShowFieldErrors(true);
    setRefused(true);
    setError(null);
    // Focus brings the field into view in a short pane.
    inputs.current.get(checked.errors[0]!.field)?.focus();
    return null;
  };

  async function start(e: FormEvent) {
    e.preventDefault();
    const spec = toSpec();
    // Refused: the focus stays where it is (on the first wrong field), nothing to hand over.
    if (!spec) return hand.drop();
    setError(null);
    const reply = await engine.request({ type: 'startGenerator', spec });
    if (!reply.ok) {
      hand.drop();
      setError(reply.error.message);
    }
  }

  function savePreset() {
    // Unnamed, it had been saved as "preset".
    if (presetName === '') {
      setError(PRESET_NAME_ERROR);
      inputs.current.get('name')?.focus();
      return;
    }
    const spec = toSpec();
    if (!spec) return;
    setError(null);
    const s = workbenchStore().getState();
    const preset: Preset = {
      name: presetName,
      ratePerSec: spec.ratePerSec,
      pattern: spec.pattern ?? DEFAULT_PATTERN,
      mix: (spec.mix ?? []).map((m) => ({
        typeId: canonicalTypeId(m.typeId) ?? String(m.typeId),
        weight: m.weight,
      })),
      zipfS: spec.zipfS ?? 0,
      accounts: spec.accounts ?? 1000,
      durationMs: spec.durationMs ?? 0,
      priority: spec.priority ?? 1,
      seed: spec.seed ?? 1,
    };
    // A preset is kept in the config, whose limits are narrower than a run's (a u32 seed, a whole
    // duration of at most a day, a Zipf s of at most 100): said here, by field, where it had been
    // "Change refused: … generatorPresets[2].seed …" over the graph (review).
    const asPreset = parseConfig({ ...s.config, generatorPresets: [preset] });
    const wrong = asPreset.ok
      ? []
      : asPreset.errors.flatMap((e) => {
          const field = /^generatorPresets\[0\]\.(\w+)/.exec(e.path)?.[1];
          return field ? [`${PRESET_FIELDS[field] ?? field} ${e.message}`] : [];
        });
    if (wrong.length > 0) {
      setError(`Not saved as a preset: ${wrong.join('; ')} (a preset is kept in the config).`);
      return;
    }
    const presets = (s.config.generatorPresets ?? []).filter((p) => p.name !== preset.name);
    s.replace(
      { ...s.config, generatorPresets: [...presets, preset] },
      `Saved generator preset "${preset.name}" with the workspace${replacesPreset ? ', in place of the one of that name (Undo brings it back)' : ''}.`,
    );
  }

  function loadPreset(name: string) {
    const p = config.generatorPresets?.find((x) => x.name === name);
    if (!p) return;
    setForm({
      name: p.name,
      ratePerSec: String(p.ratePerSec),
      pattern: p.pattern,
      mix: mixText(p.mix),
      zipfS: String(p.zipfS),
      accounts: String(p.accounts),
      durationMs: String(p.durationMs),
      priority: String(p.priority),
      seed: String(p.seed),
    });
  }

  const field = (
    key: keyof typeof form,
    label: string,
    size = 8,
    className?: string,
    hint?: string | null,
  ) => {
    const fieldError = fieldErrors.get(key as GeneratorField) ?? null;
    const note = fieldError ? null : (hint ?? null);
    return (
      <label className={className}>
        {label}
        <input
          aria-label={label}
          value={form[key]}
          size={size}
          onChange={(e) => {
            edited.current.add(key);
            setForm({ [key]: e.target.value });
          }}
          // Marked once left after an edit: a box only tabbed through is not the user's doing.
          onBlur={() => {
            if (edited.current.has(key) && !left.has(key)) setLeft(new Set(left).add(key));
          }}
          ref={(el) => {
            if (el) inputs.current.set(key, el);
            else inputs.current.delete(key);
          }}
          {...(fieldError ? { 'aria-invalid': true, 'aria-describedby': `${errorId}-${key}` } : {})}
          {...(note ? { 'aria-describedby': `${errorId}-${key}-note` } : {})}
        />
        {fieldError ? (
          <small id={`${errorId}-${key}`} className="error field-error">
            {fieldError}
          </small>
        ) : null}
        {note ? (
          <small id={`${errorId}-${key}-note`} className="warn-text field-error">
            ⚠ {note}
          </small>
        ) : null}
      </label>
    );
  };
  // Worked out when the mix or the config changes, not at each snapshot the form renders for.
  const mixNote = useMemo(() => mixNotes(form.mix, config), [form.mix, config]);
  const presetName = form.name.trim();
  const replacesPreset =
    presetName !== '' && (config.generatorPresets ?? []).some((p) => p.name === presetName);

  return (
    <section aria-label="Generator">
      <form onSubmit={(e) => void start(e)} aria-label="Generator form">
        {/* Start / Stop and what runs sit under the heading: below the fields they were out of
            view in a short pane, where the form's fields (which need not match what runs) were
            all one saw. */}
        <div className="panel-bar generator-head">
          <h3>Generator</h3>
          {running ? (
            <>
              <button
                type="button"
                ref={stopButton}
                onClick={(e) => {
                  hand.note(e.currentTarget);
                  engine.send({ type: 'stopGenerator' });
                }}
              >
                Stop generator
              </button>
              {/* The form edited while a run goes: a rate typed and Enter had done nothing, the
                  run going on at the old rate with nothing said. */}
              {formDiffers ? (
                <button
                  type="submit"
                  title="Restart the generator with the form's settings: a new run, its count from 0"
                  onClick={(e) => hand.note(e.currentTarget)}
                >
                  Restart
                </button>
              ) : null}
            </>
          ) : (
            <button type="submit" ref={startButton} onClick={(e) => hand.note(e.currentTarget)}>
              Start generator
            </button>
          )}
          {/* Beside Start, which the user just pressed: the bottom bar was out of view. */}
          {shownError ? (
            <span role="alert" className="error" data-testid="generator-error">
              {shownError}
            </span>
          ) : null}
        </div>
        {/* On a line of its own, one line always: beside Start it wrapped onto a second line
            while running ("running at 5,000/s bursts, seed 7, …") and the form below jumped
            26 px at Start and back at Stop. */}
        <p
          className={`generator-status${behindText ? ' warn-text' : ''} ${running ? stale.className : ''}`}
          data-testid="generator-emitted"
          title={
            running
              ? `${stale.title ? `${stale.title}. ` : ''}${statusTitle}. ${onWorker ? "Drawn ahead on the generator's own worker; the engine takes each message in when it falls due." : "Drawn on the engine's own thread (payloads over 32 bytes, or no generator worker)."}`
              : statusTitle
          }
        >
          {/* "sent", as the toolbar counts them: "emitted" is what the status bar calls the
                messages kernels produce. */}
          {statusText}
        </p>
        <div className="form-grid">
          {field('ratePerSec', 'Rate (messages/s)')}
          <label>
            Arrival pattern
            {/* What each pattern does, on hover: "bursts" said nothing of their size or spacing. */}
            <select
              aria-label="Arrival pattern"
              value={form.pattern}
              title={PATTERN_HELP[form.pattern]}
              onChange={(e) => setForm({ pattern: e.target.value as ArrivalPattern })}
            >
              <option value="constant" title={PATTERN_HELP.constant}>
                constant
              </option>
              <option value="poisson" title={PATTERN_HELP.poisson}>
                Poisson
              </option>
              <option value="bursts" title={PATTERN_HELP.bursts}>
                bursts
              </option>
            </select>
          </label>
          {field('mix', 'Mix (typeId:weight, …)', 24, 'wide', mixNote)}
          {field('zipfS', 'Zipf skew s')}
          {field('accounts', 'Accounts')}
          {field('durationMs', 'Duration (ms, 0 = until stopped)')}
          {field('priority', 'Generator priority')}
          {field('seed', 'Seed')}
        </div>
        <div className="panel-bar">
          {field('name', 'Preset name', 12)}
          {/* A name that exists says it will be replaced, as Record's does: a built-in preset
              had been overwritten with nothing said. */}
          <button type="button" onClick={savePreset}>
            {replacesPreset ? `Save preset (replaces “${presetName}”)` : 'Save preset'}
          </button>
          <select aria-label="Load preset" value="" onChange={(e) => loadPreset(e.target.value)}>
            <option value="">load preset…</option>
            {(config.generatorPresets ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </form>
    </section>
  );
}
