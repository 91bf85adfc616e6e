/**
 * The technique analytics panel's data (seed 003, the Detection Wiki technique page; seed 000, the
 * MaxPatrol page) over the committed test-vault and over a vault of every SigmaHQ rule, checked against
 * oracles read straight off the YAML.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CORE_SCHEMA, load } from 'js-yaml';
import { techniqueAnalytics, providerOfLogSource, type TechniqueAnalytics } from '../../src/core/analytics/technique-analytics';
import { DetailsCatalog } from '../../src/core/attack/details';
import { DETAILS_GZIP_BASE64 } from '../../src/core/attack/details-packed';
import { describeCorpus } from '../support/corpus';
import { expectedPackage, sigmaCorpusVault, testVault, vaultOf, type Vault } from './vaults';
import catalogJson from '../../src/core/attack/catalog.json';

const details = DetailsCatalog.fromJson(gunzipSync(Buffer.from(DETAILS_GZIP_BASE64, 'base64')).toString('utf8'));
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The embedded rule of a note, found without the project's Markdown reader. */
function embeddedYaml(text: string): Record<string, unknown> | null {
  const m = /\n```ya?ml\n([\s\S]*?)\n```/.exec(text);
  if (!m) return null;
  try {
    const doc = load(m[1]!, { schema: CORE_SCHEMA });
    return isMap(doc) ? doc : null;
  } catch {
    return null;
  }
}

/** Oracle: does the rule's detection check `field` with a contains-match on `value` (case-insensitive)? */
function usesContains(rule: Record<string, unknown>, field: string, value: string): boolean {
  const det = rule.detection;
  if (!isMap(det)) return false;
  const want = value.toLowerCase();
  for (const [name, body] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    for (const item of Array.isArray(body) ? body : [body]) {
      if (!isMap(item)) continue;
      for (const [key, v] of Object.entries(item)) {
        const [f, ...mods] = key.split('|');
        if (f !== field) continue;
        const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase());
        if (mods.includes('contains') && values.includes(want)) return true;
        if (mods.length === 0 && values.includes(`*${want}*`)) return true;
      }
    }
  }
  return false;
}

function ruleNotePaths(v: Vault): string[] {
  return [...v.index.allNotes()].filter((n) => n.cls.role === 'rule').map((n) => n.facts.path);
}

describe('T1059.006 over the committed test-vault', () => {
  const v = testVault();
  const a = techniqueAnalytics(v.index, 'T1059.006', { store: v.store, details });

  test('events covered: Sysmon 1 and the four AppLocker "prevented" events (seed 003)', () => {
    const ids = a.events.map((e) => `${e.provider} ${e.eventId}`);
    for (const e of ['Sysmon 1', 'AppLocker 8004', 'AppLocker 8007', 'AppLocker 8022', 'AppLocker 8025']) expect(ids).toContain(e);
    const sysmon = a.events.find((e) => e.provider === 'Sysmon' && e.eventId === 1)!;
    expect(sysmon).toMatchObject({ title: 'Process creation', alternative: false, explicit: false });
    expect(a.events.find((e) => e.eventId === 8004)).toMatchObject({ title: 'FilePathBuffer was prevented from running.', explicit: true });
    expect(a.events.find((e) => e.eventId === 8022)?.title).toBe('PackageBuffer was prevented from running.');
    // Security 4688 is offered as the equivalent of Sysmon 1, after the events the rules read directly.
    const s4688 = a.events.findIndex((e) => e.provider === 'Security' && e.eventId === 4688);
    expect(a.events[s4688]?.alternative).toBe(true);
    expect(a.events.slice(s4688).every((e) => e.alternative)).toBe(true);
  });

  test('fields filtered most: Image, OriginalFileName, CommandLine with operators and sample values', () => {
    const f = Object.fromEntries(a.guide.fields.map((r) => [r.field, r]));
    expect(Object.keys(f)).toEqual(expect.arrayContaining(['Image', 'OriginalFileName', 'CommandLine', 'FileVersion', 'Product', 'Description', 'Company']));
    expect(f.Image!.ops).toEqual([{ op: 'contains', rules: f.Image!.rules }]);
    expect(f.Image!.samples).toEqual(expect.arrayContaining(['\\python', '\\Downloads\\']));
    expect(f.OriginalFileName).toMatchObject({ rules: 1, ops: [{ op: 'contains', rules: 1 }], samples: ['python'] });
    expect(f.CommandLine!.samples.length).toBe(3);
    // The seed shows `\?` (escaped); the literal is a question mark.
    expect(f.FileVersion).toMatchObject({ rules: 1, ops: [{ op: 'eq', rules: 1 }], samples: ['?'] });
    // Event IDs belong to "Events covered", not to the guide.
    expect(f.EventID).toBeUndefined();
    // Sorted by rules, most first.
    expect(a.guide.fields.map((r) => r.rules)).toEqual([...a.guide.fields.map((r) => r.rules)].sort((x, y) => y - x));
  });

  test('each rule counts at most once per row', () => {
    // Python One-Liners lists " -c" under |contains|all and the Linux variant again: 2 rules, not 3 predicates.
    const c = a.guide.indicators.find((r) => r.field === 'CommandLine' && r.value === ' -c')!;
    expect(c.rules).toBe(2);
    for (const r of [...a.guide.fields, ...a.guide.indicators]) expect(r.rules).toBeLessThanOrEqual(a.rules);
    for (const f of a.guide.fields) for (const o of f.ops) expect(o.rules).toBeLessThanOrEqual(f.rules);
  });

  test('corpus reach of (Image, contains, \\python) = rule notes in the vault whose Sigma uses it', () => {
    const oracle = ruleNotePaths(v).filter((p) => {
      const rule = embeddedYaml(v.texts.get(p) ?? '');
      return rule !== null && usesContains(rule, 'Image', '\\python');
    }).length;
    const row = a.guide.indicators.find((r) => r.field === 'Image' && r.op === 'contains' && r.value === '\\python')!;
    expect(row.reach).toBe(oracle);
    expect(row.uniqueHere).toBe(row.reach === row.rules);
    // Reach is never below the rules here, and is counted over every rule note of the vault.
    for (const r of a.guide.indicators) expect(r.reach).toBeGreaterThanOrEqual(r.rules);
    expect(a.corpusRules).toBe(ruleNotePaths(v).length);
  });

  test('rules grouped by vendor and package with IDs and descriptions (seed 000)', () => {
    expect(a.vendors.map((g) => g.label)).toEqual(['Sigma']);
    const rules = a.vendors[0]!.packages.flatMap((p) => p.rules);
    expect(rules.length).toBe(a.rules);
    // Each rule under the folder its note's source_file names (the note's own folder without one).
    for (const p of a.vendors[0]!.packages) for (const r of p.rules) expect(p.package).toBe(expectedPackage(v.texts.get(r.path) ?? '', r.path));
    expect(a.vendors[0]!.packages.length).toBeGreaterThan(1);
    const py = rules.find((r) => r.title === 'Python One-Liners with Base64 Decoding')!;
    expect(py).toMatchObject({ ruleId: '50a0aa3d-ab16-4594-a8aa-5145a6e6792b', package: expectedPackage(v.texts.get(py.path) ?? '', py.path), state: 'full' });
    expect(py.description).toMatch(/^Detects Python one-liners that use base64 decoding/);
  });

  test('ATT&CK context: mitigations M1033, M1038, M1047, M1049 with their text; DET0063 and its analytics; v17 data sources', () => {
    expect(a.attack!.mitigations.map((m) => m.id)).toEqual(['M1033', 'M1038', 'M1047', 'M1049']);
    expect(a.attack!.mitigations.find((m) => m.id === 'M1038')).toMatchObject({ name: 'Execution Prevention', how: 'Denylist Python where not required.' });
    expect(a.attack!.strategies.map((s) => s.id)).toEqual(['DET0063']);
    expect(a.attack!.strategies[0]!.analytics.map((x) => x.id)).toEqual(['AN0172', 'AN0173', 'AN0174', 'AN0175']);
    expect(a.attack!.dataComponents.map((c) => `${c.dataSourceId} ${c.dataSource}: ${c.name}`).sort()).toEqual([
      'DS0009 Process: Process Creation',
      'DS0017 Command: Command Execution',
    ]);
  });

  test('gap: the v18 analytics expect Sysmon EventCode=1, which the Sigma process_creation rules read', () => {
    expect(a.gap!.expected.map((e) => `${e.provider} ${e.eventId}`)).toEqual(['Sysmon 1']);
    expect(a.gap!.expected[0]).toMatchObject({ read: true, logSource: 'WinEventLog:Sysmon', channel: 'EventCode=1', analytics: ['AN0172'], platforms: ['Windows'] });
    expect(a.gap!.missing).toEqual([]);
    expect(a.gap!.other.map((o) => o.name)).toEqual(expect.arrayContaining(['auditd:SYSCALL', 'EDR:hunting', 'esxi:vobd']));
  });

  test('plain data: survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  test('the technique with the most rules: every row bounded, every indicator reach ≥ rules', () => {
    const ids = v.index.techniqueIds();
    const biggest = ids.map((id) => ({ id, n: v.index.technique(id).rules.length })).sort((x, y) => y.n - x.n)[0]!;
    const b = techniqueAnalytics(v.index, biggest.id, { store: v.store, details });
    expect(b.rules).toBeGreaterThanOrEqual(biggest.n);
    for (const r of b.guide.indicators) expect(r.reach).toBeGreaterThanOrEqual(r.rules);
    expect(b.vendors.reduce((n, g) => n + g.rules, 0)).toBe(b.rules);
  });
});

describe('gap: expected events none of the rules read', () => {
  test('a technique whose rules read PowerShell 4104 misses the Sysmon 1 its analytics expect', () => {
    const rule = [
      '---',
      'tags: [detection_rule, t1059_006]',
      '---',
      '```yml',
      'title: PS python',
      'logsource: {product: windows, category: ps_script}',
      'detection: {sel: {ScriptBlockText|contains: python}, condition: sel}',
      'tags: [attack.t1059.006]',
      '```',
    ].join('\n');
    const v = vaultOf({ 'Detection Rules/ps.md': rule });
    const a = techniqueAnalytics(v.index, 'T1059.006', { store: v.store, details });
    expect(a.events.map((e) => `${e.provider} ${e.eventId}`)).toEqual(['PowerShell 4104']);
    expect(a.gap!.missing.map((e) => `${e.provider} ${e.eventId} ${e.title}`)).toEqual(['Sysmon 1 Process creation']);
  });

  test('Security 4688 counts as read through a process_creation rule (as the equivalent event)', () => {
    // T1059.003 (Windows Command Shell): its analytics name Security 4688 among others.
    const t = details.technique('T1059.003')!;
    const names = t.strategies.flatMap((s) => s.analytics.flatMap((x) => x.logSources.map((l) => `${l.name} ${l.channel}`)));
    expect(names.some((n) => /Security EventCode=4688/.test(n))).toBe(true);
    const rule = [
      '---',
      'tags: [detection_rule, t1059_003]',
      '---',
      '```yml',
      'title: cmd start',
      'logsource: {product: windows, category: process_creation}',
      'detection: {sel: {Image|endswith: \\cmd.exe}, condition: sel}',
      'tags: [attack.t1059.003]',
      '```',
    ].join('\n');
    const v = vaultOf({ 'Detection Rules/p.md': rule });
    const a = techniqueAnalytics(v.index, 'T1059.003', { store: v.store, details, rollUp: false });
    const s4688 = a.gap!.expected.find((e) => e.provider === 'Security' && e.eventId === 4688)!;
    expect(s4688).toMatchObject({ read: true, readAsAlternative: true });
    expect(a.gap!.missing.length).toBeGreaterThan(0);
    expect(a.gap!.missing.every((e) => !e.read)).toBe(true);
  });

  test('PowerShell 400 under WinEventLog:PowerShell is the classic log that ps_classic_start rules read', () => {
    // T1059.001's AN1252 names `WinEventLog:PowerShell` `EventCode=400, 403` (engine start / stop): events of
    // the classic "Windows PowerShell" log (domain.md §7.2: ps_classic_start → 400), not of PowerShell/Operational.
    const ls = details.technique('T1059.001')!.strategies.flatMap((s) => s.analytics.flatMap((x) => x.logSources));
    expect(ls.some((l) => l.name === 'WinEventLog:PowerShell' && l.channel === 'EventCode=400, 403')).toBe(true);
    const rule = [
      '---',
      'tags: [detection_rule, t1059_001]',
      '---',
      '```yml',
      'title: PS downgrade',
      'logsource: {product: windows, category: ps_classic_start}',
      'detection: {sel: {Data|contains: EngineVersion=2.}, condition: sel}',
      'tags: [attack.t1059.001]',
      '```',
    ].join('\n');
    const v = vaultOf({ 'Detection Rules/ps2.md': rule });
    const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details, rollUp: false });
    expect(a.events.map((e) => `${e.provider} ${e.eventId}`)).toEqual(['Windows PowerShell 400']);
    const expected = (id: number): string[] => a.gap!.expected.filter((e) => e.eventId === id).map((e) => `${e.provider} ${String(e.read)}`);
    expect(expected(400)).toEqual(['Windows PowerShell true']);
    expect(expected(403)).toEqual(['Windows PowerShell false']);
    expect(expected(4104)).toEqual(['PowerShell false']);
    expect(a.gap!.missing.some((e) => e.eventId === 400)).toBe(false);
  });

  test('log-source names map onto event providers', () => {
    expect(providerOfLogSource('WinEventLog:Sysmon')).toBe('Sysmon');
    expect(providerOfLogSource('winEventLog:security')).toBe('Security');
    expect(providerOfLogSource('WinEventLog:Microsoft-Windows-Windows Defender/Operational')).toBe('Windows Defender');
    expect(providerOfLogSource('WinEventLog:Microsoft-Windows-Sysmon/Operational')).toBe('Sysmon');
    expect(providerOfLogSource('linux:Sysmon')).toBe('Sysmon for Linux');
    expect(providerOfLogSource('auditd:SYSCALL')).toBeUndefined();
  });
});

describe('events read directly and as an equivalent', () => {
  const note = (title: string, logsource: string, detection: string): string =>
    ['---', 'tags: [detection_rule, t1059_001]', '---', '```yml', `title: ${title}`, `logsource: {${logsource}}`, `detection: {${detection}}`, 'tags: [attack.t1059.001]', '```'].join('\n');
  const processRule = (title: string): string => note(title, 'product: windows, category: process_creation', 'sel: {Image|endswith: \\pwsh.exe}, condition: sel');
  const securityRule = note('Audit', 'product: windows, service: security', 'sel: {EventID: 4688, NewProcessName|endswith: \\pwsh.exe}, condition: sel');
  const row = (a: TechniqueAnalytics, provider: string, id: number): TechniqueAnalytics['events'][number] | undefined =>
    a.events.find((e) => e.provider === provider && e.eventId === id);

  test('a row some rule reads directly counts only those rules, not the ones reading it as an equivalent', () => {
    // Two process_creation rules read Sysmon 1 (Security 4688 only as its equivalent); one Security rule names 4688.
    const v = vaultOf({ 'Detection Rules/a.md': processRule('A'), 'Detection Rules/b.md': processRule('B'), 'Detection Rules/c.md': securityRule });
    const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details });
    expect(row(a, 'Sysmon', 1)).toMatchObject({ rules: 2, alternative: false });
    expect(row(a, 'Security', 4688)).toMatchObject({ rules: 1, alternative: false, explicit: true });
  });

  test('a row read only as an equivalent counts the rules reading it so', () => {
    const v = vaultOf({ 'Detection Rules/a.md': processRule('A'), 'Detection Rules/b.md': processRule('B') });
    const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details });
    expect(row(a, 'Security', 4688)).toMatchObject({ rules: 2, alternative: true });
  });
});

describe('case of indicator values', () => {
  const note = (title: string, key: string, value: string): string =>
    ['---', 'tags: [detection_rule, t1059_001]', '---', '```yml', `title: ${title}`, 'logsource: {product: windows, category: process_creation}',
      `detection: {sel: {'${key}': '${value}'}, condition: sel}`, 'tags: [attack.t1059.001]', '```'].join('\n');

  test('|cased values are compared with their case (README: "except regex and |cased"), others without', () => {
    const v = vaultOf({
      'Detection Rules/a.md': note('A', 'CommandLine|contains|cased', 'FromBase64String'),
      'Detection Rules/b.md': note('B', 'CommandLine|contains', 'frombase64string'),
      'Detection Rules/c.md': note('C', 'CommandLine|contains', 'FROMBASE64STRING'),
      'Detection Rules/d.md': note('D', 'CommandLine|startswith|cased', 'Pwsh'),
      'Detection Rules/e.md': note('E', 'CommandLine|startswith|cased', 'pwsh'),
    });
    const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details });
    const rows = a.guide.indicators.map((r) => `${r.op} ${r.value} ${r.rules}/${r.reach}`).sort();
    expect(rows).toEqual(['contains FromBase64String 1/1', 'contains frombase64string 2/2', 'starts_with Pwsh 1/1', 'starts_with pwsh 1/1']);
  });
});

describe('vendors collapse into one field row', () => {
  const sigma = ['---', 'tags: [detection_rule, t1059_001]', '---', '```yml', 'title: S', 'logsource: {product: windows, category: process_creation}',
    'detection: {sel: {Image|endswith: \\pwsh.exe}, filter: {ParentImage|endswith: \\explorer.exe}, condition: sel and not filter}', 'tags: [attack.t1059.001]', '```'].join('\n');
  const elastic = ['---', 'tags: [detection_rule, t1059_001]', 'vendor: elastic', '---', '```toml', '[metadata]', 'maturity = "production"', '[rule]', 'name = "E"',
    'rule_id = "e-1"', 'language = "eql"', 'type = "eql"', 'description = "Elastic rule"', 'query = \'\'\'', 'process where process.name : "pwsh.exe" and not process.parent.name : "explorer.exe"', '\'\'\'',
    '[[rule.threat]]', 'framework = "MITRE ATT&CK"', '[[rule.threat.technique]]', 'id = "T1059"', '[[rule.threat.technique.subtechnique]]', 'id = "T1059.001"', '```'].join('\n');
  const splunk = ['---', 'tags: [detection_rule, t1059_001]', 'vendor: splunk', '---', '```yml', 'name: P', 'id: s-1', 'description: Splunk rule', 'data_source: [Sysmon EventID 1, Windows Event Log Security 4688]',
    "search: '| tstats count from datamodel=Endpoint.Processes where Processes.process_name=pwsh.exe by Processes.dest'", 'tags: {mitre_attack_id: [T1059.001]}', '```'].join('\n');
  const v = vaultOf({ 'Detection Rules/sigma/s.md': sigma, 'Detection Rules/elastic/e.md': elastic, 'Detection Rules/splunk/p.md': splunk });
  const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details });

  test('Sigma Image, Elastic process.name and Splunk process_name are one row, each rule once', () => {
    const image = a.guide.fields.find((f) => f.field === 'Image')!;
    expect(image.rules).toBe(3);
    expect([...image.aliases].sort()).toEqual(['Processes.process_name', 'process.name']);
    const pwsh = a.guide.indicators.find((r) => r.field === 'Image' && r.value.toLowerCase().includes('pwsh.exe'))!;
    expect(pwsh).toBeDefined();
  });

  test('exclusions (negated conditions) are listed apart, across vendors', () => {
    const ex = a.guide.exclusions.filter((r) => r.field === 'ParentImage');
    expect(ex.reduce((n, r) => n + r.rules, 0)).toBe(2);
    expect(a.guide.fields.find((f) => f.field === 'ParentImage')).toBeUndefined();
  });

  test('rules by vendor (Sigma, Elastic, Splunk) and by package (folder), with rule IDs', () => {
    expect(a.vendors.map((g) => `${g.label}:${g.packages.map((p) => p.package).join()}`)).toEqual([
      'Sigma:Detection Rules/sigma',
      'Elastic:Detection Rules/elastic',
      'Splunk:Detection Rules/splunk',
    ]);
    expect(a.vendors[1]!.packages[0]!.rules[0]).toMatchObject({ ruleId: 'e-1', description: 'Elastic rule', state: 'full' });
    expect(a.vendors[2]!.packages[0]!.rules[0]).toMatchObject({ ruleId: 's-1', description: 'Splunk rule' });
  });

  test('Splunk data_source names the events its search reads', () => {
    const ids = a.events.map((e) => `${e.provider} ${e.eventId}${e.alternative ? '*' : ''}`);
    expect(ids).toContain('Sysmon 1');
    expect(a.events.find((e) => e.provider === 'Security' && e.eventId === 4688)?.alternative).toBe(false); // Splunk names it
  });
});

describeCorpus('every SigmaHQ rule as a note', (corpus) => {
  let v: ReturnType<typeof sigmaCorpusVault>;
  let a: TechniqueAnalytics;
  beforeAll(() => {
    v = sigmaCorpusVault(corpus);
    a = techniqueAnalytics(v.index, 'T1059.006', { store: v.store, details });
  }, 120_000);

  test('T1059.006: the seed 003 content (Sysmon 1, the four AppLocker events, Image / OriginalFileName / CommandLine)', () => {
    const ids = a.events.map((e) => `${e.provider} ${e.eventId}`);
    for (const e of ['Sysmon 1', 'AppLocker 8004', 'AppLocker 8007', 'AppLocker 8022', 'AppLocker 8025']) expect(ids).toContain(e);
    const fields = a.guide.fields.map((f) => f.field);
    for (const f of ['Image', 'OriginalFileName', 'CommandLine']) expect(fields).toContain(f);
    for (const f of a.guide.fields) {
      expect(f.ops.length).toBeGreaterThan(0);
      expect(f.samples.length).toBeGreaterThan(0);
    }
  });

  test('reach of (Image, contains, \\python) = notes whose embedded Sigma uses Image|contains "\\python", over the whole vault', () => {
    const oracle = ruleNotePaths(v).filter((p) => {
      const rule = embeddedYaml(v.texts.get(p) ?? '');
      return rule !== null && usesContains(rule, 'Image', '\\python');
    });
    const row = a.guide.indicators.find((r) => r.field === 'Image' && r.op === 'contains' && r.value.toLowerCase() === '\\python')!;
    expect(oracle.length).toBeGreaterThan(row.rules); // used outside T1059.006 too
    expect(row.reach).toBe(oracle.length);
    console.log(`T1059.006 over ${v.store.size} SigmaHQ rule notes: ${a.rules} rules, ${a.events.filter((e) => !e.alternative).length} events, ` +
      `${a.guide.fields.length} fields, ${a.guide.indicators.length} indicators (Image contains \\python: ${row.rules} here, reach ${row.reach})`);
  });

  test('no rule note breaks the analysis; the ones not fully parsed say why', () => {
    let full = 0;
    for (const r of v.store.all()) {
      if (r.state === 'full') full++;
      else expect(r.problems.length).toBeGreaterThan(0);
    }
    expect(full / v.store.size).toBeGreaterThan(0.95);
  });
});

describe('rules filed under the next-release ID', () => {
  // ATT&CK v19 gives T1562.001 the ID T1685 (the bundled remap rows); SigmaHQ already tags rules with it.
  const note = (tag: string, field: string): string =>
    `---\ntags: [detection_rule, ${tag}]\n---\n\`\`\`yml\ntitle: ${field} rule\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {${field}|contains: x}, condition: sel}\n\`\`\`\n`;
  const v = vaultOf({
    'Detection Rules/own.md': note('t1562_001', 'CommandLine'),
    'Detection Rules/v19 a.md': note('t1685', 'Image'),
    'Detection Rules/v19 b.md': note('t1685', 'ParentImage'),
  });
  const a = techniqueAnalytics(v.index, 'T1562.001', { store: v.store, details });

  test('count for the technique, and say where they were filed', () => {
    expect(a.rules).toBe(3);
    expect(a.successorRules).toBe(2);
    expect(a.successor).toBe('T1685');
    expect(a.guide.fields.map((f) => f.field).sort()).toEqual(['CommandLine', 'Image', 'ParentImage']);
    const listed = a.vendors.flatMap((g) => g.packages.flatMap((p) => p.rules.map((r) => [r.path, r.via ?? ''])));
    expect(listed.sort()).toEqual([['Detection Rules/own.md', ''], ['Detection Rules/v19 a.md', 'T1685'], ['Detection Rules/v19 b.md', 'T1685']]);
  });
});

describe('a note tagged with the technique and with its next-release ID (or a sub-technique) is one rule', () => {
  const note = (tags: string[], field: string): string =>
    `---\ntags: [detection_rule, ${tags.join(', ')}]\n---\n\`\`\`yml\ntitle: ${field} rule\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {${field}|contains: x}, condition: sel}\n\`\`\`\n`;
  const tagsOf: Record<string, string[]> = {
    'Detection Rules/both.md': ['t1562_001', 't1685'],
    'Detection Rules/sub and successor.md': ['t1562_001', 't1685', 't1562'],
    'Detection Rules/v18 only.md': ['t1562_001'],
    'Detection Rules/v19 only.md': ['t1685'],
  };
  const v = vaultOf(Object.fromEntries(Object.entries(tagsOf).map(([p, t], i) => [p, note(t, ['Image', 'CommandLine', 'ParentImage', 'User'][i]!)])));
  // Oracle: the distinct notes carrying any of the technique's tags, read off the table above.
  const notesWith = (...tags: string[]): string[] => Object.keys(tagsOf).filter((p) => tagsOf[p]!.some((t) => tags.includes(t))).sort();

  test.each([
    ['T1562.001', false, ['t1562_001', 't1685']],
    ['T1562', true, ['t1562', 't1562_001', 't1685']],
  ] as const)('%s (roll-up %s): every note once, in the counts, the events and the list', (id, rollUp, tags) => {
    const a = techniqueAnalytics(v.index, id, { store: v.store, details, rollUp });
    const expected = notesWith(...tags);
    const listed = a.vendors.flatMap((g) => g.packages.flatMap((p) => p.rules.map((r) => r.path))).sort();
    expect(listed).toEqual(expected);
    expect(a.rules).toBe(expected.length);
    expect(a.parsedRules).toBe(expected.length);
    expect(a.events.find((e) => e.provider === 'Sysmon' && e.eventId === 1)?.rules).toBe(expected.length);
    expect(a.rules).toBe(a.vendors.reduce((n, g) => n + g.rules, 0));
  });
});

describeCorpus('gap: every event ID the ATT&CK 18.1 analytics name, from the bundle', (corpus) => {
  interface Stix { type: string; id: string; relationship_type?: string; source_ref?: string; target_ref?: string; revoked?: boolean; x_mitre_deprecated?: boolean;
    x_mitre_analytic_refs?: string[]; x_mitre_log_source_references?: Array<{ name: string; channel: string }>;
    external_references?: Array<{ source_name: string; external_id?: string }> }
  const objects = (JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-18.1.json'), 'utf8')) as { objects: Stix[] }).objects;
  const byRef = new Map(objects.map((o) => [o.id, o]));
  const active = (o: Stix | undefined): o is Stix => !!o && !o.revoked && !o.x_mitre_deprecated;
  // Oracle: technique → (event ID → log-source name) over its strategies' analytics, `EventCode=` channels only.
  const expected = new Map<string, Map<number, string>>();
  for (const r of objects) {
    if (r.relationship_type !== 'detects' || !active(r) || !r.source_ref?.startsWith('x-mitre-detection-strategy--')) continue;
    const t = byRef.get(r.target_ref ?? '');
    const id = t?.external_references?.find((x) => x.source_name === 'mitre-attack')?.external_id;
    if (!active(t) || t.type !== 'attack-pattern' || !id) continue;
    const ids = expected.get(id) ?? new Map<number, string>();
    expected.set(id, ids);
    for (const an of byRef.get(r.source_ref)?.x_mitre_analytic_refs ?? []) {
      const x = byRef.get(an);
      if (!active(x)) continue;
      for (const ls of x.x_mitre_log_source_references ?? [])
        if (/^\s*EventCode\s*=/i.test(ls.channel)) for (const m of ls.channel.matchAll(/\d+/g)) ids.set(Number(m[0]), ls.name);
    }
  }
  const v = vaultOf({});

  test('no technique leaves an event ID out of "expected" or files it under log sources without event IDs', () => {
    const wrong: string[] = [];
    for (const [id, ids] of expected) {
      const gap = techniqueAnalytics(v.index, id, { store: v.store, details }).gap;
      const got = new Set((gap?.expected ?? []).map((e) => e.eventId));
      for (const [n, name] of ids) if (!got.has(n)) wrong.push(`${id} ${name} ${n}`);
      for (const o of gap?.other ?? []) if (/^\s*EventCode\s*=/i.test(o.channel)) wrong.push(`${id} other: ${o.name} ${o.channel}`);
    }
    expect(wrong).toEqual([]);
    expect(expected.size).toBeGreaterThan(600);
  });

  test('a Sigma smbclient-security rule reads the SMB client security event T1074.002 expects', () => {
    const want = [...(expected.get('T1074.002') ?? new Map<number, string>())].filter(([, name]) => /smbclient/i.test(name)).map(([n]) => n);
    expect(want.length).toBeGreaterThan(0);
    const rule = ['---', 'tags: [detection_rule, t1074_002]', '---', '```yml', 'title: smb', 'logsource: {product: windows, service: smbclient-security}',
      `detection: {sel: {EventID: ${want[0]!}}, condition: sel}`, '```'].join('\n');
    const w = vaultOf({ 'Detection Rules/smb.md': rule });
    const gap = techniqueAnalytics(w.index, 'T1074.002', { store: w.store, details }).gap!;
    expect(gap.expected.filter((e) => e.eventId === want[0]).map((e) => e.read)).toEqual([true]);
    expect(gap.missing.some((e) => e.eventId === want[0])).toBe(false);
  });
});

describe('with roll-up, rules filed under a sub-technique\'s next-release ID', () => {
  // Oracle from the bundled remap rows: the sub-techniques of T1562 whose v19 ID differs from T1562's own.
  const remaps = (catalogJson as unknown as { remaps: { techniques: Record<string, { id: string }> } }).remaps.techniques;
  const parentNext = remaps.T1562?.id;
  const subNext = Object.entries(remaps)
    .filter(([from, to]) => from.startsWith('T1562.') && to.id !== parentNext)
    .map(([, to]) => to.id);
  const note = (tag: string, field: string): string =>
    `---\ntags: [detection_rule, ${tag}]\n---\n\`\`\`yml\ntitle: ${field} rule\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {${field}|contains: x}, condition: sel}\n\`\`\`\n`;
  const files: Record<string, string> = { 'Detection Rules/parent.md': note('t1562', 'CommandLine') };
  subNext.slice(0, 3).forEach((id, i) => (files[`Detection Rules/sub v19 ${i}.md`] = note(id.replace('.', '_').toLowerCase(), `Field${i}`)));
  const v = vaultOf(files);

  test('count for the parent, from sub-techniques, and appear in its list', () => {
    expect(subNext.length).toBeGreaterThanOrEqual(3);
    const a = techniqueAnalytics(v.index, 'T1562', { store: v.store, details, rollUp: true });
    const listed = a.vendors.flatMap((g) => g.packages.flatMap((p) => p.rules.map((r) => r.path))).sort();
    expect(listed).toEqual(Object.keys(files).sort());
    expect(a.rules).toBe(Object.keys(files).length);
    expect(a.rolledUp).toBe(Object.keys(files).length - 1);
    // The same notes every other view counts for the parent.
    expect(a.rules).toBe(v.index.counted('T1562', { rollUp: true }).rules.length);
  });

  test('without roll-up, only the parent\'s own rule', () => {
    const a = techniqueAnalytics(v.index, 'T1562', { store: v.store, details, rollUp: false });
    expect(a.rules).toBe(1);
  });
});

describe('rules grouped by the package they came from', () => {
  // Imported notes share one vault folder; their `source_file` says where each rule lives in its repository.
  const sources: Record<string, string | null> = {
    'Detection Rules/a.md': 'windows/process_creation/proc_creation_win_a.yml',
    'Detection Rules/b.md': 'windows/process_creation/proc_creation_win_b.yml',
    'Detection Rules/c.md': 'windows\\registry\\registry_set\\registry_set_c.yml',
    'Detection Rules/d.md': 'd.yml',
    'Rules/Mine/e.md': null,
  };
  const note = (sourceFile: string | null): string =>
    `---\ntags: [detection_rule, t1059_001]\nvendor: sigma\n${sourceFile === null ? '' : `source_file: ${JSON.stringify(sourceFile)}\n`}---\n` +
    '```yml\ntitle: r\nlogsource: {product: windows, category: process_creation}\ndetection: {sel: {Image|endswith: x.exe}, condition: sel}\n```\n';
  const v = vaultOf(Object.fromEntries(Object.entries(sources).map(([p, s]) => [p, note(s)])));
  const a = techniqueAnalytics(v.index, 'T1059.001', { store: v.store, details });

  test('the source file\'s folder, else the note\'s own folder', () => {
    // Oracle: the folder part of each source file (either separator), or of the note's path.
    const folderOf = (p: string): string => p.split(/[\\/]/).slice(0, -1).join('/');
    const expected = Object.entries(sources).map(([path, src]) => [path, src !== null && folderOf(src) ? folderOf(src) : folderOf(path)]);
    const got = a.vendors.flatMap((g) => g.packages.flatMap((p) => p.rules.map((r) => [r.path, p.package])));
    expect(got.sort()).toEqual(expected.sort());
  });
});

describe('fields from different logs stay apart in the authoring guide', () => {
  // Two Sigma rules for one technique: Okta's `eventType` and Sysmon's registry `EventType` are different fields.
  const rule = (logsource: string, field: string, value: string): string =>
    `---\ntags: [detection_rule, t1562_001]\n---\n\`\`\`yml\ntitle: ${field} ${value}\nlogsource: ${logsource}\ndetection: {sel: {${field}: ${value}}, condition: sel}\n\`\`\`\n`;
  const v = vaultOf({
    'Detection Rules/okta.md': rule('{product: okta, service: okta}', 'eventType', 'policy.rule.deactivate'),
    'Detection Rules/registry.md': rule('{product: windows, category: registry_set}', 'EventType', 'SetValue'),
  });

  test('one row per field as the rules write it', () => {
    const a = techniqueAnalytics(v.index, 'T1562.001', { store: v.store, details });
    expect(a.guide.fields.map((f) => [f.field, f.rules]).sort()).toEqual([['EventType', 1], ['eventType', 1]]);
  });
});
