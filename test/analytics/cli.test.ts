/** `attack-coverage analytics <vault> <ID> [--json]` over the committed test-vault. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { capture } from '../support/cli';
import { describeCorpus } from '../support/corpus';
import type { TechniqueAnalytics } from '../../src/core/analytics/technique-analytics';
import { expectedPackage, TEST_VAULT } from './vaults';

describe('attack-coverage analytics', () => {
  test('--json gives the panel data', async () => {
    const r = await capture(['analytics', TEST_VAULT, 't1059_006', '--json']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as TechniqueAnalytics;
    expect(a.id).toBe('T1059.006');
    expect(a.events.map((e) => `${e.provider} ${e.eventId}`)).toEqual(expect.arrayContaining(['Sysmon 1', 'AppLocker 8004', 'AppLocker 8007', 'AppLocker 8022', 'AppLocker 8025']));
    expect(a.attack?.mitigations.map((m) => m.id)).toEqual(['M1033', 'M1038', 'M1047', 'M1049']);
    expect(a.gap?.expected.map((e) => `${e.provider} ${e.eventId}`)).toEqual(['Sysmon 1']);
  });

  test('text: every section, rules as "package: ID: name: description"', async () => {
    const r = await capture(['analytics', TEST_VAULT, 'T1059.006', '--limit', '3']);
    expect(r.code).toBe(0);
    const s = r.stdout;
    for (const h of ['Events covered', 'Fields filtered most', 'Top indicator values', 'What the rules exclude', 'Rules by vendor and package', 'Mitigations (ATT&CK 18.1: 4)', 'Detection strategies', 'Expected events no rule reads (0 of 1)', 'Data sources and components (ATT&CK v17.1)']) {
      expect(s).toContain(h);
    }
    const py = 'Detection Rules/proc_creation_win_python_base64_encoded_execution.md';
    const pkg = expectedPackage(readFileSync(path.join(TEST_VAULT, py), 'utf8'), py);
    expect(s).toContain(`${pkg}: 50a0aa3d-ab16-4594-a8aa-5145a6e6792b: Python One-Liners with Base64 Decoding: Detects Python one-liners`);
    expect(s).toContain('M1038 Execution Prevention: Denylist Python where not required.');
    expect(s).toMatch(/… \d+ more \(--limit \d+ to list all\)/);
  });

  test('a bad ID or limit exits 2 with a reason', async () => {
    const r = await capture(['analytics', TEST_VAULT, 'T12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"T12" is not a technique ID/);
    expect((await capture(['analytics', TEST_VAULT, 'T1059', '--limit', '0'])).stderr).toMatch(/--limit should be a positive whole number/);
  });
});

describeCorpus('attack-coverage analytics: mitigation texts from the ATT&CK 18.1 bundle', (corpus) => {
  interface Stix { type: string; id: string; name?: string; description?: string; relationship_type?: string; source_ref?: string; target_ref?: string;
    revoked?: boolean; x_mitre_deprecated?: boolean; external_references?: Array<{ source_name: string; external_id?: string }> }
  const objects = (JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-18.1.json'), 'utf8')) as { objects: Stix[] }).objects;
  const byRef = new Map(objects.map((o) => [o.id, o]));
  const attackId = (o: Stix | undefined): string | undefined => o?.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
  const active = (o: Stix | undefined): o is Stix => !!o && !o.revoked && !o.x_mitre_deprecated;
  // A technique's mitigation whose text has several paragraphs and no markup the digest rewrites.
  const rel = objects.find((o) => {
    if (o.relationship_type !== 'mitigates' || !active(o) || !o.description?.includes('\n')) return false;
    if (/\(Citation:|<code>|\]\(/.test(o.description)) return false;
    const t = byRef.get(o.target_ref ?? '');
    return active(t) && t.type === 'attack-pattern' && active(byRef.get(o.source_ref ?? ''));
  })!;
  const technique = attackId(byRef.get(rel.target_ref!))!;
  const mitigation = byRef.get(rel.source_ref!)!;

  test(`a multi-paragraph mitigation (${technique} ${attackId(mitigation) ?? ''}) prints on one line, without escaped line breaks`, async () => {
    const r = await capture(['analytics', TEST_VAULT, technique, '--limit', '100']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${attackId(mitigation) ?? ''} ${mitigation.name ?? ''}:`));
    expect(line?.trim()).toBe(`${attackId(mitigation) ?? ''} ${mitigation.name ?? ''}: ${rel.description!.replace(/\s+/g, ' ').trim()}`);
  });
});

describeCorpus('attack-coverage analytics: revoked IDs, from the ATT&CK 18.1 bundle', (corpus) => {
  interface Stix { type: string; id: string; relationship_type?: string; source_ref?: string; target_ref?: string; revoked?: boolean;
    external_references?: Array<{ source_name: string; external_id?: string }> }
  const objects = (JSON.parse(readFileSync(path.join(corpus, 'attack/enterprise-attack-18.1.json'), 'utf8')) as { objects: Stix[] }).objects;
  const byRef = new Map(objects.map((o) => [o.id, o]));
  const attackId = (o: Stix | undefined): string | undefined => o?.external_references?.find((r) => r.source_name === 'mitre-attack')?.external_id;
  const revokedBy = new Map(objects.filter((o) => o.relationship_type === 'revoked-by').map((o) => [o.source_ref, o.target_ref]));
  // Oracle: a revoked technique and the end of its revoked-by chain.
  const [oldId, newId] = objects
    .filter((o) => o.type === 'attack-pattern' && o.revoked)
    .map((o): [string | undefined, string | undefined] => {
      let cur: Stix | undefined = o;
      for (let i = 0; i < 10 && cur?.revoked; i++) cur = byRef.get(revokedBy.get(cur.id) ?? '');
      return [attackId(o), cur && !cur.revoked ? attackId(cur) : undefined];
    })
    .find(([a, b]) => a && b && a !== b)!;

  test(`a revoked ID (${oldId ?? ''}) says so and names its replacement (${newId ?? ''})`, async () => {
    const r = await capture(['analytics', TEST_VAULT, oldId!]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`  Revoked in ATT&CK 18.1: use ${newId!}`);
    const j = JSON.parse((await capture(['analytics', TEST_VAULT, oldId!, '--json'])).stdout) as TechniqueAnalytics;
    expect([j.status, j.replacement]).toEqual(['revoked', newId]);
  });
});
