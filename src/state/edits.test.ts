import { describe, expect, it } from 'vitest';
import { demoConfig, parseConfig } from '../core/config';
import {
  addKernel,
  addType,
  canonicalTypeId,
  connectK2k,
  typeIdOfText,
  connectRoute,
  copyNodes,
  deleteNodes,
  pasteFragment,
  removeRoute,
  routeOf,
  updateKernel,
  updateType,
} from './edits';

const ok = <T extends { ok: boolean }>(r: T) => {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r as Extract<T, { ok: true }>;
};

describe('config edits', () => {
  it('canonicalises u64 type ids and refuses anything else', () => {
    expect(canonicalTypeId('1001')).toBe(1001);
    expect(canonicalTypeId(' 42 ')).toBe(42);
    expect(canonicalTypeId('18446744073709551615')).toBe('18446744073709551615');
    expect(canonicalTypeId(2n ** 60n)).toBe('1152921504606846976');
    for (const bad of ['-1', '1.5', 'x', '18446744073709551616', ''])
      expect(canonicalTypeId(bad)).toBeNull();
  });

  it('a type has one route: connecting again moves it and says so', () => {
    const c = demoConfig();
    const r = ok(connectRoute(c, 1001, 'aggregator'));
    expect(routeOf(r.config, 1001)).toBe('aggregator');
    expect(r.config.routes.filter((x) => String(x.typeId) === '1001')).toHaveLength(1);
    expect(r.note).toMatch(/Moved/);
    expect(routeOf(c, 1001)).toBe('fraud_processor'); // input untouched
    expect(connectRoute(r.config, 1001, 'aggregator').ok).toBe(false);
    expect(connectRoute(c, 1001, 'nope').ok).toBe(false);
  });

  it('removes routes and K2K next hops, refusing self hops', () => {
    const c = demoConfig();
    expect(routeOf(ok(removeRoute(c, 1002)).config, 1002)).toBeUndefined();
    expect(ok(removeRoute(c, 1002)).note).toBe(
      'Removed the route of AccountUpdate (1002) to "aggregator".',
    );
    expect(removeRoute(ok(removeRoute(c, 1002)).config, 1002).ok).toBe(false);
    expect(connectK2k(c, 'aggregator', 'aggregator').ok).toBe(false);
    const made = ok(connectK2k(c, 'aggregator', 'alert_sink'));
    // It says when the hop applies: not while aggregator is registered, as it is here.
    expect(made.note).toMatch(
      /wherever "aggregator" is not registered.*"aggregator" is registered here, so its messages still go to it directly/,
    );
    const k = made.config;
    expect(k.k2kRoutes).toEqual([{ dest: 'aggregator', nextHop: 'alert_sink' }]);
  });

  it('renaming a kernel carries its routes, K2K routes and layout along', () => {
    let c = ok(connectK2k(demoConfig(), 'aggregator', 'alert_sink')).config;
    c = ok(updateKernel(c, 'aggregator', { id: 'totals' })).config;
    expect(routeOf(c, 1002)).toBe('totals');
    expect(c.k2kRoutes).toEqual([{ dest: 'totals', nextHop: 'alert_sink' }]);
    expect(c.layout?.['kernel:totals']).toBeDefined();
    expect(c.layout?.['kernel:aggregator']).toBeUndefined();
    expect(updateKernel(c, 'totals', { id: 'alert_sink' }).ok).toBe(false);
    expect(updateKernel(c, 'totals', { queueCapacity: 0 }).ok).toBe(false);
  });

  it('says everything an edit of a kernel changed, not only its rename', () => {
    const r = ok(updateKernel(demoConfig(), 'aggregator', { id: 'totals', queueCapacity: 100 }));
    expect(r.note).toBe(
      'Renamed kernel "aggregator" to "totals": queue capacity 4,096 → 100 (runs as 128).',
    );
    const p = ok(updateKernel(demoConfig(), 'aggregator', { overflowPolicy: 'reject' }));
    expect(p.note).toBe('Updated kernel "aggregator": overflow policy dropOldest → reject.');
    expect(ok(updateKernel(demoConfig(), 'aggregator', {})).note).toBe(
      'Updated kernel "aggregator".',
    );
  });

  it('changing a type id moves its route and refuses reuse', () => {
    const c = ok(updateType(demoConfig(), 1002, { typeId: 20002 })).config;
    expect(routeOf(c, 20002)).toBe('aggregator');
    expect(routeOf(c, 1002)).toBeUndefined();
    expect(updateType(c, 20002, { typeId: 1001 }).ok).toBe(false);
  });

  it('deleting nodes removes the routes that touch them; results stay valid configs', () => {
    const r = ok(deleteNodes(demoConfig(), ['kernel:aggregator', 'type:1003']));
    // Named, with the routes that went with them ("Deleted 1 kernel." had not said which).
    expect(r.note).toBe(
      'Deleted type PatternCheck (1003) and kernel "aggregator" with 2 routes (Ctrl+Z undoes it).',
    );
    const c = r.config;
    expect(c.kernels.some((k) => k.id === 'aggregator')).toBe(false);
    expect(c.routes.some((r) => r.kernelId === 'aggregator' || String(r.typeId) === '1003')).toBe(
      false,
    );
    expect(parseConfig(c).ok).toBe(true);
  });

  it('copy and paste give fresh ids and keep the routes among the copied nodes', () => {
    const c = demoConfig();
    const frag = copyNodes(c, ['type:1001', 'kernel:fraud_processor']);
    const r = pasteFragment(c, frag);
    if (!r.ok) throw new Error(r.error);
    expect(r.nodeIds).toHaveLength(2);
    const copyType = r.config.messageTypes.at(-1)!;
    const copyKernel = r.config.kernels.at(-1)!;
    expect(copyKernel.id).not.toBe('fraud_processor');
    expect(routeOf(r.config, copyType.typeId)).toBe(copyKernel.id);
    expect(parseConfig(r.config).ok).toBe(true);
    // Pasted again: a name of its own, as the Inspector asks of a name given there.
    const again = pasteFragment(r.config, frag);
    if (!again.ok) throw new Error(again.error);
    expect(again.config.messageTypes.at(-1)!.name).toBe(`${copyType.name}2`);
    expect(copyType.name).toMatch(/Copy$/);
  });

  it('adds types with custom ids from 10000 and kernels with unique names', () => {
    const t = ok(addType(demoConfig())).config;
    expect(t.messageTypes.at(-1)?.typeId).toBe(10000);
    const k1 = ok(addKernel(demoConfig())).config;
    const k2 = ok(addKernel(k1)).config;
    expect(new Set(k2.kernels.map((k) => k.id)).size).toBe(k2.kernels.length);
  });
});

describe('where an added node goes', () => {
  // + Type four times put four types on one spot: the user saw one.
  it('puts each added node where it covers no other', () => {
    let c = demoConfig();
    for (let i = 0; i < 4; i++) c = ok(addType(c, { x: 0, y: -140 })).config;
    for (let i = 0; i < 3; i++) c = ok(addKernel(c, { x: 0, y: -140 })).config;
    const spots = Object.values(c.layout ?? {});
    for (const [i, p] of spots.entries())
      for (const q of spots.slice(i + 1))
        expect(Math.abs(p.x - q.x) >= 280 || Math.abs(p.y - q.y) >= 100).toBe(true);
    // The first goes where it was asked, with room there.
    expect(ok(addType(demoConfig(), { x: 0, y: -140 })).config.layout?.['type:10000']).toEqual({
      x: 0,
      y: -140,
    });
  });

  // Placed above the graph, a type at 1280x720 pushed three nodes out of view.
  it('puts an added node in free room within the view when there is some', () => {
    const demo = demoConfig();
    const xs = Object.values(demo.layout ?? {}).map((p) => p.x);
    const ys = Object.values(demo.layout ?? {}).map((p) => p.y);
    const view = {
      left: Math.min(...xs),
      top: Math.min(...ys),
      right: Math.max(...xs) + 400,
      bottom: Math.max(...ys) + 200,
    };
    const p = ok(addType(demo, { x: 0, y: -140 }, view)).config.layout?.['type:10000'];
    expect(p!.x).toBeGreaterThanOrEqual(view.left);
    expect(p!.y).toBeGreaterThanOrEqual(view.top);
    expect(p!.x + 280).toBeLessThanOrEqual(view.right);
    expect(p!.y + 100).toBeLessThanOrEqual(view.bottom);
    for (const q of Object.values(demo.layout ?? {}))
      expect(Math.abs(p!.x - q.x) >= 280 || Math.abs(p!.y - q.y) >= 100).toBe(true);
    // No room in view: upwards from where it was asked.
    const tight = { left: 0, top: 0, right: 100, bottom: 50 };
    expect(ok(addType(demo, { x: 0, y: -140 }, tight)).config.layout?.['type:10000']).toEqual({
      x: 0,
      y: -140,
    });
  });
});

describe('edits that must not produce an unloadable workspace', () => {
  it('refuses "host" as a kernel id and tenants beyond u32', () => {
    expect(updateKernel(demoConfig(), 'aggregator', { id: 'host' }).ok).toBe(false);
    expect(updateKernel(demoConfig(), 'aggregator', { tenantId: 5_000_000_000 }).ok).toBe(false);
  });

  it('a type id change carries the response references of other types', () => {
    const c = ok(updateType(demoConfig(), 1004, { typeId: 2004 })).config;
    expect(c.messageTypes.find((t) => t.typeId === 1003)?.responseTypeId).toBe(2004);
  });

  it("reads a type's id or its name: exact first, another case only where one type has it", () => {
    const c = demoConfig();
    expect(typeIdOfText(c, ' 1001 ')).toBe(1001);
    expect(typeIdOfText(c, 'Transaction')).toBe(1001);
    expect(typeIdOfText(c, 'fraudalert')).toBe(1010);
    expect(typeIdOfText(c, 'Transactions')).toBeNull();
    const two = {
      ...c,
      messageTypes: [...c.messageTypes, { typeId: 10000, name: 'transaction', fields: [] }],
    };
    // Beside "Transaction", "transaction" had resolved to 1001 and its own type was unreachable.
    expect(typeIdOfText(two, 'transaction')).toBe(10000);
    expect(typeIdOfText(two, 'Transaction')).toBe(1001);
    expect(typeIdOfText(two, 'TRANSACTION')).toBeNull();
    // Another Unicode form of the same name: "Ströme" typed decomposed (o + U+0308).
    const accented = {
      ...c,
      messageTypes: [...c.messageTypes, { typeId: 7, name: 'Ströme', fields: [] }],
    };
    expect(typeIdOfText(accented, 'stro\u0308me')).toBe(7);
  });

  it('refuses a name or kernel id with a bidi control or an invisible character at its field', () => {
    const c = demoConfig();
    const t = updateType(c, 1001, { name: 'abc\u202Edef' });
    expect(t.ok === false && t.error).toMatch(
      /^The name must not contain control characters, bidirectional text controls/,
    );
    // Which character, and where: the box shows nothing of it.
    expect(t.ok === false && t.error).toMatch(/\(here U\+202E, character 4\)\.$/);
    const f = updateType(c, 1001, { fields: [{ name: 'amo\u200Bunt', type: 'f32' }] });
    // The name quoted with its unseen character written out: raw, it read "amount".
    expect(f.ok === false && f.error).toMatch(/^Field name "amo\\u200bunt" must not contain/);
    const k = updateKernel(c, 'aggregator', { id: 'aggre\u2066gator' });
    expect(k.ok === false && k.error).toMatch(/^The kernel id must not contain/);
    // Right-to-left letters and emoji are names' own.
    expect(updateType(c, 1001, { name: 'עסקה 💳' }).ok).toBe(true);
  });
});
