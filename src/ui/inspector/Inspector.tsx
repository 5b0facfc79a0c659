import { useState, type FormEvent } from 'react';
import { FIELD_TYPES } from '../../core/config';
import {
  canonicalTypeId,
  connectRoute,
  findKernel,
  findType,
  parseNodeId,
  routeOf,
  updateKernel,
  updateType,
  type KernelDef,
  type TypeDef,
} from '../../state/edits';
import { useWorkbench, workbenchStore } from '../../state/store';

export function Inspector() {
  const selection = useWorkbench((s) => s.selection);
  const config = useWorkbench((s) => s.config);
  if (selection.length === 0)
    return (
      <aside className="inspector" aria-label="Inspector">
        <h2>Inspector</h2>
        <p className="muted">
          Select a message type or a kernel to edit it. Drag from a type to a kernel to route it.
        </p>
      </aside>
    );
  if (selection.length > 1)
    return (
      <aside className="inspector" aria-label="Inspector">
        <h2>Inspector</h2>
        <p>{selection.length} nodes selected. Copy with Ctrl+C, delete with Delete.</p>
      </aside>
    );
  const parsed = parseNodeId(selection[0] ?? '');
  const type =
    parsed?.kind === 'type' ? findType(config, canonicalTypeId(parsed.key) ?? -1) : undefined;
  const kernel = parsed?.kind === 'kernel' ? findKernel(config, parsed.key) : undefined;
  return (
    <aside className="inspector" aria-label="Inspector">
      {type ? <TypeForm key={`t${JSON.stringify(type)}`} type={type} /> : null}
      {kernel ? <KernelForm key={`k${JSON.stringify(kernel)}`} kernel={kernel} /> : null}
    </aside>
  );
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
    fields: type.fields.map((f) => ({ ...f })),
  }));
  const [picked, setRouteTarget] = useState(route ?? config.kernels[0]?.id ?? '');
  // The picked kernel may have been renamed or deleted since (undo, import): fall back visibly.
  const routeTarget = config.kernels.some((k) => k.id === picked)
    ? picked
    : (route ?? config.kernels[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const store = workbenchStore().getState();
    const typeId = canonicalTypeId(draft.typeId);
    if (typeId === null)
      return setError('Type id must be an integer from 0 to 18446744073709551615.');
    let handlerId: number | undefined;
    if (draft.handlerId.trim() !== '') {
      handlerId = Number(draft.handlerId);
      if (!Number.isInteger(handlerId) || handlerId < 0 || handlerId > 0xffffffff)
        return setError('Handler id must be a u32 (0 to 4294967295).');
    }
    let responseTypeId: TypeDef['responseTypeId'];
    if (draft.requiresResponse) {
      const r = canonicalTypeId(
        draft.responseTypeId.trim() === ''
          ? (BigInt(String(typeId)) + 1n).toString()
          : draft.responseTypeId,
      );
      if (r === null) return setError('Response type id must be a u64.');
      responseTypeId = r;
    }
    for (const f of draft.fields) {
      if (f.name.trim() === '') return setError('Every payload field needs a name.');
      if (f.type === 'bytes' && (!Number.isInteger(f.size) || (f.size ?? 0) < 1))
        return setError(`Field "${f.name}" of type bytes needs a size of 1 or more.`);
    }
    const patch: TypeDef = {
      typeId,
      name: draft.name,
      fields: draft.fields.map((f) =>
        f.type === 'bytes'
          ? { name: f.name, type: f.type, size: f.size ?? 1 }
          : { name: f.name, type: f.type },
      ),
      ...(handlerId !== undefined ? { handlerId } : {}),
      ...(draft.requiresResponse
        ? { requiresResponse: true, responseTypeId: responseTypeId ?? typeId }
        : {}),
      ...(type.description !== undefined ? { description: type.description } : {}),
    };
    const current = findType(store.config, type.typeId);
    if (!current) return;
    // Replace the whole definition so cleared optional fields really go away.
    const result = updateType(store.config, type.typeId, patch);
    if (result.ok) {
      const messageTypes = result.config.messageTypes.map((t) =>
        String(t.typeId) === String(typeId) ? patch : t,
      );
      if (store.replace({ ...result.config, messageTypes }, result.note)) {
        store.setSelection([`type:${String(typeId)}`]);
        setError(null);
      }
    } else setError(result.error);
  }

  return (
    <form onSubmit={submit} aria-label={`Message type ${type.name}`}>
      <h2>Message type</h2>
      <TextField
        label="Type id"
        value={draft.typeId}
        onChange={(v) => setDraft({ ...draft, typeId: v })}
        numeric
      />
      <TextField
        label="Name"
        value={draft.name}
        onChange={(v) => setDraft({ ...draft, name: v })}
        maxLength={128}
      />
      <TextField
        label="Handler id"
        value={draft.handlerId}
        onChange={(v) => setDraft({ ...draft, handlerId: v })}
        numeric
      />
      <label className="row">
        <input
          type="checkbox"
          checked={draft.requiresResponse}
          onChange={(e) => setDraft({ ...draft, requiresResponse: e.target.checked })}
        />
        Requires response
      </label>
      {draft.requiresResponse ? (
        <label>
          Response type id
          <input
            value={draft.responseTypeId}
            placeholder={`${draft.typeId} + 1`}
            onChange={(e) => setDraft({ ...draft, responseTypeId: e.target.value })}
          />
        </label>
      ) : null}
      <fieldset>
        <legend>Payload fields</legend>
        {draft.fields.map((f, i) => (
          <div className="field-row" key={i}>
            <input
              aria-label={`Field ${i + 1} name`}
              value={f.name}
              onChange={(e) =>
                setDraft({
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
                setDraft({
                  ...draft,
                  fields: draft.fields.map((x, j) =>
                    j === i ? { ...x, type: e.target.value as (typeof FIELD_TYPES)[number] } : x,
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
                className="narrow"
                value={f.size ?? 1}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    fields: draft.fields.map((x, j) =>
                      j === i ? { ...x, size: Number(e.target.value) } : x,
                    ),
                  })
                }
              />
            ) : null}
            <button
              type="button"
              aria-label={`Remove field ${f.name}`}
              onClick={() => setDraft({ ...draft, fields: draft.fields.filter((_, j) => j !== i) })}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setDraft({
              ...draft,
              fields: [...draft.fields, { name: `field${draft.fields.length + 1}`, type: 'u32' }],
            })
          }
        >
          Add field
        </button>
      </fieldset>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit">Apply</button>
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
            s.apply(connectRoute(s.config, type.typeId, routeTarget));
          }}
        >
          Set route
        </button>
      </fieldset>
    </form>
  );
}

function KernelForm({ kernel }: { kernel: KernelDef }) {
  const [draft, setDraft] = useState(() => ({
    ...kernel,
    queueCapacity: String(kernel.queueCapacity),
    tenantId: String(kernel.tenantId),
  }));
  const [error, setError] = useState<string | null>(null);
  function submit(e: FormEvent) {
    e.preventDefault();
    const store = workbenchStore().getState();
    const result = updateKernel(store.config, kernel.id, {
      id: draft.id,
      queueCapacity: Number(draft.queueCapacity),
      tenantId: Number(draft.tenantId),
      overflowPolicy: draft.overflowPolicy,
      backend: draft.backend,
      behavior: draft.behavior,
    });
    if (result.ok) {
      if (store.replace(result.config, result.note)) {
        store.setSelection([`kernel:${draft.id}`]);
        setError(null);
      }
    } else setError(result.error);
  }
  return (
    <form onSubmit={submit} aria-label={`Kernel ${kernel.id}`}>
      <h2>Kernel</h2>
      <TextField
        label="Kernel id"
        value={draft.id}
        onChange={(v) => setDraft({ ...draft, id: v })}
        maxLength={128}
      />
      <TextField
        label="Queue capacity"
        value={draft.queueCapacity}
        onChange={(v) => setDraft({ ...draft, queueCapacity: v })}
        numeric
      />
      <label>
        Overflow policy
        <select
          value={draft.overflowPolicy}
          onChange={(e) =>
            setDraft({ ...draft, overflowPolicy: e.target.value as KernelDef['overflowPolicy'] })
          }
        >
          <option value="reject">reject (QueueFull)</option>
          <option value="dropOldest">dropOldest</option>
          <option value="deadLetter">deadLetter</option>
        </select>
      </label>
      <TextField
        label="Tenant"
        value={draft.tenantId}
        onChange={(v) => setDraft({ ...draft, tenantId: v })}
        numeric
      />
      <label>
        Backend
        <select
          value={draft.backend}
          onChange={(e) => setDraft({ ...draft, backend: e.target.value as KernelDef['backend'] })}
        >
          <option value="auto">auto (WebGPU when available)</option>
          <option value="webgpu">webgpu</option>
          <option value="cpu">cpu</option>
        </select>
      </label>
      <label>
        Behaviour
        <select
          value={draft.behavior}
          onChange={(e) =>
            setDraft({ ...draft, behavior: e.target.value as KernelDef['behavior'] })
          }
        >
          <option value="fraud">fraud processor</option>
          <option value="aggregator">aggregator</option>
          <option value="pattern">pattern detector</option>
          <option value="generic">generic (count and echo)</option>
        </select>
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit">Apply</button>
    </form>
  );
}

/** A labelled text input; numeric ones bring up the number keyboard on touch devices. */
function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  numeric?: boolean;
  maxLength?: number;
}) {
  return (
    <label>
      {props.label}
      <input
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        {...(props.numeric ? { inputMode: 'numeric' as const } : {})}
        {...(props.maxLength ? { maxLength: props.maxLength } : {})}
      />
    </label>
  );
}
