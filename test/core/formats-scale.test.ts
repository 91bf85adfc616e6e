/**
 * Every technique of the ATT&CK release, written in each real vault format, is recognised as that
 * technique's note — file names, frontmatter and tags as the generators of those vaults write them.
 */
import { defaultCatalog } from '../../src/core/attack/catalog';
import { indexOf } from '../support/notes';

const catalog = defaultCatalog();
const active = catalog.techniques();
const tactic = (t: (typeof active)[number]): string => catalog.tactic(t.tactics[0] ?? '')?.name ?? 'Unknown';
const parentName = (t: (typeof active)[number]): string => (t.parent ? (catalog.get(t.parent)?.name ?? t.parent) : t.name);
const snake = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '_');

const FORMATS: Record<string, (t: (typeof active)[number]) => [string, string]> = {
  // malleVF/Use-Case-Catalogue: `ID - name` with ':' → '-' and '/' → '_'; tag form T1059_006.
  'use-case-catalogue': (t) => [
    `Use Cases/${t.id} - ${(catalog.displayName(t.id) ?? t.name).replace(/:/g, '-').replace(/\//g, '_')}.md`,
    `---\ntactics: ${t.tactics.join(', ')}\nurl: ${t.url}\ntags: [${t.id.replace('.', '_')}, techniques, ${snake(tactic(t))}]\n---\n\n## ${t.name}\n`,
  ],
  // scorchederf fork: `{ID}-{name, non-alnum → _}.md`, aliases, nested lower-case tags, mitre-attack vault path.
  'obsidian-mitre-attack fork': (t) => [
    `vault/kb/mitre/attack/techniques/${t.id}-${snake(t.name)}.md`,
    `---\naliases: \n    - ${t.id}\ntags: \n    - attack/type/${t.isSubtechnique ? 'subtechnique' : 'technique'}\nmitre-attack: kb/mitre/attack/techniques/${t.id}-${snake(t.name)}\nplatforms:\n     - ${t.platforms.join(' - ')}\n---\n`,
  ],
  // reuteras: Techniques/<domain>/<first tactic>/<parent name>/<Name> - <ID>.md, aliases first, tag `technique`.
  reuteras: (t) => [
    `Techniques/Enterprise attack/${tactic(t)}/${parentName(t).replace(/\//g, '_')}/${t.name.replace(/\//g, '_')} - ${t.id}.md`,
    `---\naliases:\n  - ${t.id}\n  - ${t.name}\n  - ${t.name} (${t.id})\n  - ${t.id} (${t.name})\nurl: ${t.url}\ntags:\n  - technique\n  - mitre_attack\n---\n`,
  ],
};

describe.each(Object.keys(FORMATS))('%s vault with every ATT&CK technique', (name) => {
  test('each technique note is recognised with its ID', () => {
    const files = Object.fromEntries(active.map((t) => FORMATS[name]!(t)));
    expect(Object.keys(files)).toHaveLength(active.length); // no path collisions in the generated vault
    const index = indexOf(files);
    expect(index.techniqueNoteIds()).toEqual(active.map((t) => t.id).sort());
    for (const t of active) {
      const [path] = FORMATS[name]!(t);
      expect(index.technique(t.id).path).toBe(path);
    }
  });
});
