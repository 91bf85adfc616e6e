/** `attack-coverage analytics <vault> <ID> [--json]` over the committed test-vault. */
import { capture } from '../support/cli';
import type { TechniqueAnalytics } from '../../src/core/analytics/technique-analytics';
import { TEST_VAULT } from './vaults';

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
    expect(s).toContain('Detection Rules: 50a0aa3d-ab16-4594-a8aa-5145a6e6792b: Python One-Liners with Base64 Decoding: Detects Python one-liners');
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
