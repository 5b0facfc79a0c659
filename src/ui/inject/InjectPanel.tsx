import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { RouteConfig } from '../../core/config';
import type { ArrivalPattern, GeneratorSpec, PayloadValues } from '../../engine/protocol';
import { useEngine } from '../engineContext';
import { canonicalTypeId, findType } from '../../state/edits';
import { useLive } from '../../state/live';
import { useWorkbench, workbenchStore } from '../../state/store';
import type { GeneratorFormState } from '../../state/injectForm';
import {
  checkGeneratorForm,
  describeErrors,
  routedMix,
  runSpan,
  whole,
  type GeneratorField,
} from './generatorSpec';
import { formatCount, formatCounts, formatRate } from '../design/format';
import { F32_MAX_TEXT } from '../../engine/payload';

type Field = RouteConfig['messageTypes'][number]['fields'][number];
type Preset = NonNullable<RouteConfig['generatorPresets']>[number];

const LIMITS: Record<string, [bigint, bigint]> = {
  u8: [0n, 255n],
  u16: [0n, 65535n],
  u32: [0n, 4294967295n],
  u64: [0n, 18446744073709551615n],
  i32: [-2147483648n, 2147483647n],
  i64: [-9223372036854775808n, 9223372036854775807n],
};

/** Check one form value against its field type; returns the typed value or an error message. */
export function parseFieldValue(
  f: Field,
  raw: string,
): { ok: true; value: number | bigint | boolean | string } | { ok: false; error: string } {
  const text = raw.trim();
  if (f.type === 'bool')
    return text === 'true' || text === 'false'
      ? { ok: true, value: text === 'true' }
      : { ok: false, error: `${f.name}: true or false` };
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
  const range = LIMITS[f.type];
  if (!range || !/^-?\d+$/.test(text)) return { ok: false, error: `${f.name}: a whole number` };
  const v = BigInt(text);
  if (v < range[0] || v > range[1])
    return { ok: false, error: `${f.name}: ${f.type} is ${range[0]}..${range[1]}` };
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
  const typeId = canonicalTypeId(typeText);
  // While the box holds no type id (being retyped, or a typo) the last type's form stays, its
  // sends disabled: the whole form, fields and buttons, vanished at the first wrong letter.
  const [lastTypeId, setLastTypeId] = useState(typeId);
  if (typeId !== null && typeId !== lastTypeId) setLastTypeId(typeId);
  const shownId = typeId ?? lastTypeId;
  const type = shownId === null ? undefined : findType(config, shownId);
  const typeErrorId = useId();
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
            not a type id: a whole number from 0 to 2^64 − 1
            {shownId === null ? '' : `; sending is off until it is one`}
          </span>
        ) : (
          <span className="muted">
            {type ? type.name : 'not defined here: it will get NoRoute and a dead letter'}
          </span>
        )}
        {shownId !== null ? (
          <PublishForm
            key={String(shownId)}
            typeId={shownId}
            fields={type?.fields ?? []}
            sendOff={typeId === null}
          />
        ) : null}
      </section>
      <GeneratorForm />
    </div>
  );
}

function PublishForm({
  typeId,
  fields,
  sendOff,
}: {
  typeId: number | string;
  fields: Field[];
  /** The type id box holds no type id: the form shows the last type's fields, sending is off. */
  sendOff: boolean;
}) {
  const engine = useEngine();
  const typeKey = String(typeId);
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
    if (stored === undefined) workbenchStore().getState().setPublishValues(typeKey, initial);
  }, [stored, typeKey, initial]);
  const count = useWorkbench((s) => s.publishForm.count);
  const priority = useWorkbench((s) => s.publishForm.priority);
  const setCount = (v: string) => workbenchStore().getState().setPublishForm({ count: v });
  const setPriority = (v: string) => workbenchStore().getState().setPublishForm({ priority: v });
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  // Each field's own error, shown at the field once a send was refused (and kept current as the
  // user fixes it): the one message beside the buttons was below the pane's fold in a review, and
  // a refused send looked like nothing happened.
  const [showFieldErrors, setShowFieldErrors] = useState(false);
  const parsed = fields.map((f) =>
    parseFieldValue(f, Object.hasOwn(values, f.name) ? (values[f.name] ?? '') : ''),
  );
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const errorId = useId();
  const [badControl, setBadControl] = useState<'count' | 'priority' | null>(null);
  const countInput = useRef<HTMLInputElement>(null);
  const priorityInput = useRef<HTMLInputElement>(null);

  async function send(e: FormEvent, burst: boolean) {
    e.preventDefault();
    if (sendOff) return;
    // Field names are user data ("__proto__" included): build the object from entries, never by
    // assignment, so no name can reach the prototype.
    const entries: [string, PayloadValues[string]][] = [];
    const bad = fields.flatMap((f, i) => {
      const r = parsed[i]!;
      return r.ok ? [] : [{ name: f.name, error: r.error }];
    });
    if (bad.length > 0) {
      setShowFieldErrors(true);
      setResult(null);
      const more = bad.length - 1;
      setError(
        `Not sent: ${bad[0]!.error}` +
          (more > 0 ? `, and ${more} more ${more === 1 ? 'field' : 'fields'} marked above.` : '.'),
      );
      // Focus brings the field into view in a short pane.
      inputs.current.get(bad[0]!.name)?.focus();
      return;
    }
    fields.forEach((f, i) => {
      const r = parsed[i]!;
      if (r.ok) entries.push([f.name, r.value]);
    });
    const payload: PayloadValues = Object.fromEntries(entries);
    // A wrong burst size or priority is marked at its box, and the last send's "Sent 1." goes:
    // beside the new error it read as if this send had gone too.
    const refuse = (control: 'count' | 'priority', message: string) => {
      setResult(null);
      setBadControl(control);
      setError(message);
      (control === 'count' ? countInput : priorityInput).current?.focus();
    };
    const n = burst ? whole(count, 1, 1_000_000) : 1;
    if (Number.isNaN(n))
      return refuse('count', 'Burst size must be a whole number from 1 to 1,000,000.');
    const p = whole(priority, 0, 255);
    if (Number.isNaN(p)) return refuse('priority', 'Priority is a u8 (0 to 255).');
    setBadControl(null);
    setError(null);
    const reply = await engine.request({
      type: 'inject',
      typeId,
      count: n,
      payload,
      priority: p,
    });
    // What was sent stays in the form (a random fill included) until the user changes it.
    if (!stored) setValues(values);
    if (!reply.ok) return setResult(reply.error.message);
    // What the send itself answered with besides deliveries (refusals at a full queue, NoRoute,
    // older messages a dropOldest queue evicted): "Sent 50,000." alone hid 45,904 refusals.
    const { DroppedOldest: evicted = 0, ...refused } = reply.atOnce;
    const said = [
      formatCounts(refused),
      evicted > 0
        ? `${formatCount(evicted)} queued messages evicted by dropOldest to make room`
        : '',
    ].filter(Boolean);
    setResult(
      `Sent ${formatCount(reply.count)}.` +
        (said.length ? ` At once: ${said.join('; ')} (see Receipts and Dead letters).` : ''),
    );
  }

  return (
    <form onSubmit={(e) => void send(e, false)} aria-label="Publish form">
      <div className="form-grid">
        {fields.map((f, i) => {
          const r = parsed[i]!;
          const fieldError = showFieldErrors && !r.ok ? r.error : null;
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
        <label>
          priority
          <input
            aria-label="Priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            ref={priorityInput}
            {...(badControl === 'priority'
              ? { 'aria-invalid': true, 'aria-errormessage': `${errorId}-send` }
              : {})}
          />
        </label>
      </div>
      <div className="panel-bar">
        <button
          type="button"
          onClick={() => setValues(Object.fromEntries(fields.map((f) => [f.name, randomFill(f)])))}
        >
          Random fill
        </button>
        <button type="submit" disabled={sendOff}>
          Send one
        </button>
        <label className="inline">
          burst of
          <input
            aria-label="Burst size"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            size={7}
            ref={countInput}
            {...(badControl === 'count'
              ? { 'aria-invalid': true, 'aria-errormessage': `${errorId}-send` }
              : {})}
          />
        </label>
        <button type="button" disabled={sendOff} onClick={(e) => void send(e, true)}>
          Send burst
        </button>
        {error ? (
          <span role="alert" className="error" id={`${errorId}-send`}>
            {error}
          </span>
        ) : null}
        {result ? <span role="status">{result}</span> : null}
      </div>
    </form>
  );
}

function GeneratorForm() {
  const engine = useEngine();
  const config = useWorkbench((s) => s.config);
  const running = useLive((s) => s?.generator.running ?? false);
  const emitted = useLive((s) => s?.generator.emitted ?? 0);
  const onWorker = useLive((s) => s?.generator.onWorker ?? false);
  // What runs, which may differ from the form (started from a preset, the toolbar or the API).
  const spec = useLive((s) => (s?.generator.running ? s.generator.spec : undefined));
  // With its length: the form's default run of 10 s ended "without warning" in a review.
  const runningAs = spec
    ? ` at ${formatRate(spec.ratePerSec)} ${spec.pattern ?? 'poisson'}${spec.seed === undefined ? '' : `, seed ${spec.seed}`}, ${runSpan(spec)}`
    : '';
  const mixOfRoutes = useMemo(() => routedMix(config.routes), [config.routes]);
  const stored = useWorkbench((s) => s.generatorForm);
  // Until the mix is edited it follows the routes: every routed type at weight 1.
  const form = { ...stored, mix: stored.mix ?? mixOfRoutes };
  const setForm = (patch: Partial<GeneratorFormState>) =>
    workbenchStore().getState().setGeneratorForm(patch);
  const [error, setError] = useState<string | null>(null);
  // As in the publish form: once a start was refused each wrong field is marked, with its error
  // under it, and kept current as the user fixes it. The one message sat below the pane's fold
  // at 1280x720 and a refused Start looked like nothing happened.
  const [showFieldErrors, setShowFieldErrors] = useState(false);
  const checked = checkGeneratorForm(stored, config.routes);
  const fieldErrors = new Map(
    showFieldErrors && !checked.ok ? checked.errors.map((x) => [x.field, x.error]) : [],
  );
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const errorId = useId();

  /** The spec, or null after marking the wrong fields and focusing the first. */
  const toSpec = (): GeneratorSpec | null => {
    if (checked.ok) return checked.spec;
    setShowFieldErrors(true);
    setError(describeErrors(checked.errors));
    // Focus brings the field into view in a short pane.
    inputs.current.get(checked.errors[0]!.field)?.focus();
    return null;
  };

  async function start(e: FormEvent) {
    e.preventDefault();
    const spec = toSpec();
    if (!spec) return;
    setError(null);
    const reply = await engine.request({ type: 'startGenerator', spec });
    if (!reply.ok) setError(reply.error.message);
  }

  function savePreset() {
    const spec = toSpec();
    if (!spec) return;
    setError(null);
    const s = workbenchStore().getState();
    const preset: Preset = {
      name: form.name.trim() || 'preset',
      ratePerSec: spec.ratePerSec,
      pattern: spec.pattern ?? 'constant',
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
    const presets = (s.config.generatorPresets ?? []).filter((p) => p.name !== preset.name);
    s.replace(
      { ...s.config, generatorPresets: [...presets, preset] },
      `Saved generator preset "${preset.name}" with the workspace.`,
    );
  }

  function loadPreset(name: string) {
    const p = config.generatorPresets?.find((x) => x.name === name);
    if (!p) return;
    setForm({
      name: p.name,
      ratePerSec: String(p.ratePerSec),
      pattern: p.pattern,
      mix: p.mix.map((m) => `${String(m.typeId)}:${m.weight}`).join(', '),
      zipfS: String(p.zipfS),
      accounts: String(p.accounts),
      durationMs: String(p.durationMs),
      priority: String(p.priority),
      seed: String(p.seed),
    });
  }

  const field = (key: keyof typeof form, label: string, size = 8, className?: string) => {
    const fieldError = fieldErrors.get(key as GeneratorField) ?? null;
    return (
      <label className={className}>
        {label}
        <input
          aria-label={label}
          value={form[key]}
          size={size}
          onChange={(e) => setForm({ [key]: e.target.value })}
          ref={(el) => {
            if (el) inputs.current.set(key, el);
            else inputs.current.delete(key);
          }}
          {...(fieldError ? { 'aria-invalid': true, 'aria-describedby': `${errorId}-${key}` } : {})}
        />
        {fieldError ? (
          <small id={`${errorId}-${key}`} className="error field-error">
            {fieldError}
          </small>
        ) : null}
      </label>
    );
  };

  return (
    <section aria-label="Generator">
      <form onSubmit={(e) => void start(e)} aria-label="Generator form">
        {/* Start / Stop and what runs sit under the heading: below the fields they were out of
            view in a short pane, where the form's fields (which need not match what runs) were
            all one saw. */}
        <div className="panel-bar generator-head">
          <h3>Generator</h3>
          {running ? (
            <button type="button" onClick={() => engine.send({ type: 'stopGenerator' })}>
              Stop generator
            </button>
          ) : (
            <button type="submit">Start generator</button>
          )}
          <span
            data-testid="generator-emitted"
            title={
              running
                ? onWorker
                  ? "Drawn ahead on the generator's own worker; the engine takes each message in when it falls due."
                  : "Drawn on the engine's own thread (payloads over 32 bytes, or no generator worker)."
                : undefined
            }
          >
            {/* "sent", as the toolbar counts them: "emitted" is what the status bar calls the
                messages kernels produce. */}
            {running
              ? `running${runningAs}: ${emitted.toLocaleString('en-US')} sent${onWorker ? ' · own worker' : ''}`
              : `${emitted.toLocaleString('en-US')} sent`}
          </span>
          {/* Beside Start, which the user just pressed: the bottom bar was out of view. */}
          {error ? (
            <span role="alert" className="error" data-testid="generator-error">
              {error}
            </span>
          ) : null}
        </div>
        <div className="form-grid">
          {field('ratePerSec', 'Rate (messages/s)')}
          <label>
            Arrival pattern
            <select
              aria-label="Arrival pattern"
              value={form.pattern}
              onChange={(e) => setForm({ pattern: e.target.value as ArrivalPattern })}
            >
              <option value="constant">constant</option>
              <option value="poisson">Poisson</option>
              <option value="bursts">bursts</option>
            </select>
          </label>
          {field('mix', 'Mix (typeId:weight, …)', 24, 'wide')}
          {field('zipfS', 'Zipf skew s')}
          {field('accounts', 'Accounts')}
          {field('durationMs', 'Duration (ms, 0 = until stopped)')}
          {field('priority', 'Generator priority')}
          {field('seed', 'Seed')}
        </div>
        <div className="panel-bar">
          {field('name', 'Preset name', 12)}
          <button type="button" onClick={savePreset}>
            Save preset
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
