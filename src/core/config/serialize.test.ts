import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { exportFileName, fileStem } from './serialize.ts';

const named = (name: string) => ({ ...demoConfig(), name });

describe('exportFileName', () => {
  it('makes the demo name a hyphenated stem with the format after it', () => {
    expect(exportFileName(named('Fraud detection demo'), 'json')).toBe(
      'fraud-detection-demo.routes.json',
    );
    expect(exportFileName(named('Fraud detection demo'), 'wgsl')).toBe(
      'fraud-detection-demo.dispatch.wgsl',
    );
  });

  it('keeps letters and digits of any script, not only ASCII', () => {
    expect(exportFileName(named('Zahlungsströme 2'), 'json')).toBe('zahlungsströme-2.routes.json');
    expect(exportFileName(named('支付路由'), 'rust')).toBe('支付路由.routes.rs');
    // A decomposed ö (o + U+0308) is written composed, as typed on another keyboard.
    expect(exportFileName(named('Stro\u0308me'), 'toml')).toBe('ströme.routes.toml');
  });

  it('turns path and shell characters into hyphens and never begins or ends with one', () => {
    expect(exportFileName(named('../a/b\\c:*?"<>|d  '), 'json')).toBe('a-b-c-d.routes.json');
    expect(exportFileName(named('***'), 'json')).toBe('workspace.routes.json');
  });

  it('cuts at 60 code points, without a hyphen or half a surrogate pair at the end', () => {
    const cut = exportFileName(named(`${'a'.repeat(59)} b`), 'json');
    expect(cut).toBe(`${'a'.repeat(59)}.routes.json`);
    const astral = exportFileName(named('𝒜'.repeat(70)), 'json');
    expect(Array.from(astral.split('.')[0]!)).toHaveLength(60);
    // In `u` mode the class matches only a lone surrogate, what a cut inside a pair leaves.
    expect(astral).not.toMatch(/[\uD800-\uDFFF]/u);
  });

  it("does not take a Windows device's name", () => {
    expect(exportFileName(named('CON'), 'json')).toBe('con-file.routes.json');
    expect(exportFileName(named('lpt1'), 'json')).toBe('lpt1-file.routes.json');
    expect(exportFileName(named('console'), 'json')).toBe('console.routes.json');
    expect(exportFileName(named('COM²'), 'json')).toBe('com²-file.routes.json');
  });

  it('never begins with a combining mark', () => {
    expect(exportFileName(named('\u0301accent'), 'json')).toBe('accent.routes.json');
  });

  it('names a recording by the same rule, with its own fallback', () => {
    expect(fileStem('run 1/2: fast', 'recording')).toBe('run-1-2-fast');
    expect(fileStem('  ', 'recording')).toBe('recording');
  });
});
