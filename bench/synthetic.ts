/**
 * Deterministic synthetic vaults in the Use-Case-Catalogue format (docs domain.md §1.1), for `npm run bench`.
 *
 * One generator yields every note's text and the metadata Obsidian would cache for it, so the vault on
 * disk (the CLI's input) and the in-memory records (the plugin's input) describe exactly the same notes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FrontmatterLinkLike, HeadingCacheLike, MetadataLike, NoteSource } from '../src/core/metadata';

/** Bump when the generated content changes, so that cached vaults under bench/out/ are rebuilt. */
export const GENERATOR_VERSION = 1;

/** mulberry32: tiny, fast and identical on every platform, which is all test data needs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'access account archive binary browser cache certificate cloud command credential daemon data debugger domain driver ' +
  'email encoding event execution file firmware group hijack hook image injection interpreter kernel library loader ' +
  'logon memory module network object password payload permission policy process proxy registry remote scheduled ' +
  'script service session shell signature socket startup system task token tool trust update user valid volume web'
).split(' ');
const TACTICS = [
  'Reconnaissance', 'Resource Development', 'Initial Access', 'Execution', 'Persistence', 'Privilege Escalation',
  'Defense Evasion', 'Credential Access', 'Discovery', 'Lateral Movement', 'Collection', 'Command and Control',
  'Exfiltration', 'Impact',
];
const PLATFORMS = ['Linux, Windows, macOS', 'Windows', 'Linux, macOS', 'Windows, Azure AD, Office 365', 'IaaS, Linux'];
const EXTRA_RULE_TAGS = ['car_2013-05-004', 'g0069', 's0108', 'cve_2021_36934', 'detection_threat_hunting'];

type Rng = () => number;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
/** Weighted choice: `[[value, weight], …]`, for the status/level/product mixes seen at HEAD. */
function weighted<T>(r: Rng, table: ReadonlyArray<readonly [T, number]>): T {
  let x = r() * table.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return (table[table.length - 1] as readonly [T, number])[0];
}
const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const words = (r: Rng, n: number): string[] => Array.from({ length: n }, () => pick(r, WORDS));
function sentence(r: Rng): string {
  const ws = words(r, int(r, 8, 20));
  return cap(ws.join(' ')) + '.';
}
const paragraph = (r: Rng, n: number): string => Array.from({ length: n }, () => sentence(r)).join(' ');
const hex = (r: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
const uuid = (r: Rng): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const day = (r: Rng, sep: string): string =>
  [int(r, 2019, 2023), int(r, 1, 12), int(r, 1, 28)].map((n) => String(n).padStart(2, '0')).join(sep);

/**
 * Technique slot i → a unique ID. Slots come in blocks of 8 (a parent and 7 sub-techniques); the
 * block's parent is scattered over T1000..T1999 (379 is coprime with 1000), so small vaults also
 * have sub-techniques and IDs are not clustered.
 */
export function techniqueId(i: number): string {
  const block = i >> 3;
  const sub = (i & 7) + 8 * Math.floor(block / 1000);
  const parent = `T${1000 + ((block * 379) % 1000)}`;
  return sub === 0 ? parent : `${parent}.${String(sub).padStart(3, '0')}`;
}

/** Names derive from the ID alone, so a technique note and its runbook agree without shared state. */
function techniqueName(id: string): { name: string; tactic: string } {
  const r = prng(Number(id.slice(1, 5)));
  const parentName = words(r, int(r, 2, 4)).map(cap).join(' ');
  const tactic = pick(r, TACTICS);
  if (id.length === 5) return { name: parentName, tactic };
  const rs = prng(Number(id.slice(1, 5)) * 1000 + Number(id.slice(6)));
  return { name: `${parentName}: ${words(rs, int(rs, 1, 2)).map(cap).join(' ')}`, tactic };
}
const tagForm = (id: string): string => id.replace('.', '_');
/** The generator's file-name rule: `:` → `-`, `/` → `_`. */
const fileSafe = (name: string): string => name.replace(/:/g, '-').replace(/\//g, '_');

interface Generated {
  path: string;
  text: string;
  /** What Obsidian's YAML reader yields for the frontmatter (dates stay strings, `1.0` is the number 1). */
  frontmatter: Record<string, unknown>;
  frontmatterLinks?: FrontmatterLinkLike[];
}

function techniqueNote(r: Rng, id: string): Generated {
  const { name, tactic: first } = techniqueName(id);
  // Some techniques have two tactics; the generator then writes the quirky `A,_B` tag (domain.md §1.1).
  const tactics = r() < 0.2 ? `${first}, ${pick(r, TACTICS)}` : first;
  const tacticTag = tactics.replace(/ /g, '_');
  const [created, modified] = [day(r, '-'), day(r, '-')];
  const platforms = pick(r, PLATFORMS);
  const url = `https://attack.mitre.org/techniques/${id.replace('.', '/')}`;
  const tag = tagForm(id);
  const text = `---
created: ${created}
last_modified: ${modified}
version: 1.0
tactics: ${tactics}
url: ${url}
platforms: ${platforms}
tags: [${tag}, techniques, ${tacticTag}]
---

## ${fileSafe(name)}

### Description

${paragraph(r, int(r, 3, 7))}

${paragraph(r, int(r, 1, 4))}

### Detection

${paragraph(r, int(r, 2, 6))}

### Defenses Bypassed



### Data Sources

  - Command: Command Execution
  -  Process: Process Creation
### Detection Rule

\`\`\`dataview
table without id
file.link AS "Name",
status AS "Status",
level AS "Level",
logsrc_product AS "Log Source Product"
FROM "Detection Rules" AND #${tag}
\`\`\`

### Rule Testing

\`\`\`dataview
TABLE without id
filename AS "Name"
FROM "Testing Runbooks" AND #${tag}
\`\`\`
`;
  return {
    path: `Use Cases/${id} - ${fileSafe(name)}.md`,
    text,
    frontmatter: {
      created,
      last_modified: modified,
      version: 1,
      tactics,
      url,
      platforms,
      tags: [tag, 'techniques', ...tacticTag.split(',')],
    },
  };
}

function ruleNote(r: Rng, i: number, techIds: readonly string[]): Generated {
  // 1–4 techniques, skewed towards popular ones; some rules name only the parent (no roll-up in the seed).
  const ids = new Set<string>();
  const n = weighted(r, [[1, 55], [2, 25], [3, 12], [4, 8]] as const);
  while (ids.size < n) {
    const id = techIds[Math.floor(techIds.length * r() * r())] as string;
    ids.add(r() < 0.1 ? id.slice(0, 5) : id);
  }
  const tactic = techniqueName([...ids][0] as string).tactic.toLowerCase().replace(/ /g, '_');
  const product = weighted(r, [['windows', 2212], ['linux', 187], ['azure', 126], ['', 73], ['macos', 54], ['aws', 34]] as const);
  const service = product === 'windows' && r() < 0.3 ? pick(r, ['security', 'sysmon', 'applocker', 'powershell']) : '';
  const category = service ? '' : pick(r, ['process_creation', 'file_event', 'registry_set', 'network_connection', 'image_load']);
  const status = weighted(r, [['test', 1865], ['experimental', 871], ['stable', 86]] as const);
  const level = weighted(r, [['high', 1276], ['medium', 1192], ['low', 240], ['critical', 86], ['informational', 28]] as const);
  const [w1, w2] = [pick(r, WORDS), pick(r, WORDS)];
  const title = `Suspicious ${cap(w1)} ${cap(w2)} Activity ${i}`;
  const [created, modified] = [day(r, '/'), r() < 0.3 ? '' : day(r, '/')];
  const tags = [tactic, ...[...ids].map((id) => tagForm(id).toLowerCase()), ...(r() < 0.1 ? [pick(r, EXTRA_RULE_TAGS)] : []), 'detection_rule'];
  const exe = `${w1}${w2}.exe`;
  const cli = Array.from({ length: int(r, 3, 6) }, () => `            - ' -${pick(r, WORDS)} '`).join('\n');
  const sigma = `title: ${title}
id: ${uuid(r)}
status: ${status}
description: |
    ${sentence(r)}
    ${sentence(r)}
references:
    - https://example.org/${w1}/${i}
    - https://lolbas-project.github.io/lolbas/Binaries/${cap(w2)}/
author: ${cap(pick(r, WORDS))} ${cap(pick(r, WORDS))}
date: ${created}
${modified ? `modified: ${modified}\n` : ''}tags:
    - attack.${tactic}
${[...ids].map((id) => `    - attack.${id.toLowerCase()}`).join('\n')}
logsource:
${category ? `    category: ${category}\n` : ''}    product: ${product || 'windows'}
${service ? `    service: ${service}\n` : ''}detection:
    selection_img:
        - Image|endswith: '\\${exe}'
        - OriginalFileName: '${exe}'
    selection_cli:
        CommandLine|contains:
${cli}
    filter_main_legit:
        ParentImage|startswith:
            - 'C:\\Program Files\\'
            - 'C:\\Program Files (x86)\\'
            - 'C:\\Windows\\System32\\'
    condition: all of selection_* and not 1 of filter_main_*
falsepositives:
    - Legitimate use of ${exe} by administrators
    - Unknown
level: ${level}`;
  const q = (s: string): string => `"${s}"`;
  const text = `---
title: ${q(title)}
status: ${q(status)}
created: ${q(created)}
last_modified: ${q(modified)}
tags: [${tags.join(', ')}]
logsrc_product: ${q(product)}
logsrc_service: ${q(service)}
level: ${q(level)}
---

## ${title}

### Description

${paragraph(r, int(r, 1, 3))}

\`\`\`yml
${sigma}
\`\`\`
`;
  return {
    path: `Detection Rules/${category || service || 'rule'}_${product || 'any'}_${w1}_${w2}_${String(i).padStart(6, '0')}.md`,
    text,
    frontmatter: { title, status, created, last_modified: modified, tags, logsrc_product: product, logsrc_service: service, level },
  };
}

function testNote(r: Rng, id: string): Generated {
  const { name } = techniqueName(id);
  const base = `${id} - ${fileSafe(name)}`;
  const filename = `[[${base}]]`;
  const sections: string[] = [];
  for (let n = 1, count = int(r, 1, 8); n <= count; n++) {
    const shell = pick(r, ['sh', 'bash', 'powershell', 'command_prompt']);
    const lines = Array.from({ length: int(r, 1, 4) }, () => `${pick(r, WORDS)} -${pick(r, WORDS)} "${pick(r, WORDS)}.${pick(r, ['py', 'sh', 'ps1', 'txt'])}"`);
    sections.push(`## Atomic Test #${n} - ${cap(words(r, int(r, 3, 7)).join(' '))}
${sentence(r)}

**Supported Platforms:** ${pick(r, ['Linux', 'Windows', 'macOS', 'Linux, macOS'])}

**auto_generated_guid:** ${uuid(r)}

#### Attack Commands: Run with \`${shell}\`!

\`\`\`${shell === 'command_prompt' ? 'cmd' : shell}
${lines.join('\n')}
\`\`\`
`);
  }
  return {
    path: `Testing Runbooks/${base}.md`,
    text: `---\ntags: [${tagForm(id)}, atomic_test]\nfilename: "${filename}"\n---\n# ${id} - ${name}\n\n${sections.join('\n')}`,
    frontmatter: { tags: [tagForm(id), 'atomic_test'], filename },
    frontmatterLinks: [{ key: 'filename', link: base, original: filename, displayText: base }],
  };
}

/** ~15% technique notes, ~70% rule notes, ~15% test notes, in that order, from one seeded stream. */
function* generate(notes: number, seed: number): Generator<Generated> {
  const r = prng(seed);
  const nTech = Math.round(notes * 0.15);
  const nTest = Math.round(notes * 0.15);
  const nRule = notes - nTech - nTest;
  const techIds = Array.from({ length: nTech }, (_, i) => techniqueId(i));
  for (const id of techIds) yield techniqueNote(r, id);
  for (let i = 0; i < nRule; i++) yield ruleNote(r, i, techIds);
  // Most runbooks match a technique note (same ID, same basename, as at HEAD); ~20% test techniques without one.
  for (let i = 0; i < nTest; i++) yield testNote(r, techniqueId(r() < 0.8 && i < nTech ? i : nTech + i));
}

/** Obsidian-shaped metadata for a note: frontmatter object and position, body tags (none here), headings. */
function cacheOf(g: Generated): MetadataLike {
  const headings: HeadingCacheLike[] = [];
  let offset = 0;
  let fence = false;
  let fmEnd: MetadataLike['frontmatterPosition'];
  const lines = g.text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const s = lines[line] as string;
    if (line > 0 && !fmEnd && s === '---') {
      fmEnd = { start: { line: 0, col: 0, offset: 0 }, end: { line, col: 3, offset: offset + 3 } };
    } else if (fmEnd) {
      if (s.startsWith('```')) fence = !fence;
      const m = fence ? null : /^(#{1,6}) (.*)$/.exec(s);
      if (m) {
        headings.push({
          heading: (m[2] as string).trim(),
          level: (m[1] as string).length,
          position: { start: { line, col: 0, offset }, end: { line, col: s.length, offset: offset + s.length } },
        });
      }
    }
    offset += s.length + 1;
  }
  return {
    frontmatter: g.frontmatter,
    ...(fmEnd ? { frontmatterPosition: fmEnd } : {}),
    ...(g.frontmatterLinks ? { frontmatterLinks: g.frontmatterLinks } : {}),
    tags: [],
    headings,
  };
}

/** Writes the vault under `dir` (created if needed). Same `notes` and `seed` → byte-identical files. */
export function writeSyntheticVault(dir: string, notes: number, seed = 1): void {
  const made = new Set<string>();
  for (const g of generate(notes, seed)) {
    const file = join(dir, g.path);
    const folder = dirname(file);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    writeFileSync(file, g.text);
  }
}

/** The same notes as Obsidian's metadata cache hands them to the plugin: path + cache, no text. */
export function syntheticSources(notes: number, seed = 1): NoteSource[] {
  const out: NoteSource[] = [];
  for (const g of generate(notes, seed)) out.push({ path: g.path, cache: cacheOf(g) });
  return out;
}

/** The same notes as path → text, for tests that feed a fake vault. */
export function syntheticFiles(notes: number, seed = 1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of generate(notes, seed)) out[g.path] = g.text;
  return out;
}
