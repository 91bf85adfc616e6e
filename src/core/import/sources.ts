/**
 * Source files → note drafts, one file at a time, for the rule and test importers (Sigma, Elastic,
 * Splunk, Atomic Red Team). A file either becomes a draft or is skipped with a reason; nothing here
 * writes, and a file that does not parse never produces a draft (so never a half-written note).
 */
import { parse as parseToml } from 'smol-toml';
import { parseBareId } from '../ids';
import type { YamlParser } from '../rules';
import { atomicNote } from './atomic-note';
import { elasticRuleNote } from './elastic-note';
import { oneLine, scalarText } from './markdown';
import type { SourceKind } from './merge';
import { techniqueFileName, withSuffix } from './names';
import type { NoteDraft } from './plan';
import { sigmaRuleNote } from './sigma-note';
import { splunkRuleNote } from './splunk-note';
import type { Folders } from './stix-import';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

export type ParseOutcome = { draft: NoteDraft } | { skip: string };

const segments = (path: string): string[] => path.split('/').filter(Boolean);
const baseName = (path: string): string => (segments(path).at(-1) ?? path).replace(/\.[^.]*$/, '');
const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]?.trim() ?? '';

// ---- which files of a source tree each importer reads ---------------------------------------------

const SIGMA_TOP = /^(rules.*|deprecated|unsupported)$/i;
const ATOMIC_FILE = /(?:^|\/)(T\d{4}(?:\.\d{3})?)\/(T\d{4}(?:\.\d{3})?)\.ya?ml$/i;

/**
 * The files an importer reads, sorted. Sigma: `.yml`/`.yaml`, and when the tree is a SigmaHQ checkout
 * (has `rules`, `rules-…`, `deprecated` or `unsupported` folders at its top) only those folders.
 * Elastic: `.toml`, only the `rules…` folders in a detection-rules checkout. Splunk: `.yml`/`.yaml`, only `detections/` in a
 * security_content checkout. Atomic Red Team: `T####[.###]/T####[.###].yaml` files.
 */
export function selectSourceFiles(kind: SourceKind, paths: readonly string[]): string[] {
  const sorted = [...paths].sort();
  const top = (p: string): string => segments(p)[0] ?? '';
  const yaml = (p: string): boolean => /\.ya?ml$/i.test(p);
  switch (kind) {
    case 'attack':
      return sorted.filter((p) => /\.json$/i.test(p));
    case 'sigma': {
      const files = sorted.filter(yaml);
      const layout = files.some((p) => segments(p).length > 1 && SIGMA_TOP.test(top(p)));
      return layout ? files.filter((p) => segments(p).length > 1 && SIGMA_TOP.test(top(p))) : files;
    }
    case 'elastic': {
      const files = sorted.filter((p) => /\.toml$/i.test(p));
      const layout = files.some((p) => segments(p).length > 1 && /^rules/i.test(top(p)));
      return layout ? files.filter((p) => segments(p).length > 1 && /^rules/i.test(top(p))) : files;
    }
    case 'splunk': {
      const files = sorted.filter(yaml);
      const layout = files.some((p) => segments(p).length > 1 && top(p) === 'detections');
      return layout ? files.filter((p) => segments(p).length > 1 && top(p) === 'detections') : files;
    }
    case 'atomic':
      return sorted.filter((p) => {
        const m = ATOMIC_FILE.exec(p);
        return !!m && (m[1] as string).toUpperCase() === (m[2] as string).toUpperCase();
      });
  }
}

// ---- YAML documents ---------------------------------------------------------------------------------

/**
 * The documents of a YAML stream, as text. Old Sigma rule collections put several documents in one
 * file; `---` at the start of a line separates them (a block scalar's content is always indented, so a
 * `---` in column 0 cannot be part of one).
 */
export function yamlDocuments(text: string): string[] {
  const t = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  return t.split(/^---[ \t]*(?:#.*)?$/m).filter((d) => d.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#')));
}

/** More values than any rule or test file holds (the largest atomics file has a few thousand). */
const MAX_YAML_VALUES = 1_000_000;

/**
 * Whether `value` has more than `budget` values once its aliases are expanded. The YAML parser shares an
 * aliased value rather than copying it, so a few lines of nested aliases ("billion laughs") stand for
 * billions of values, which the note writers would then spell out one by one.
 */
function tooManyValues(value: unknown, budget = MAX_YAML_VALUES): boolean {
  let left = budget;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (--left < 0) return true;
      stack.push(child);
    }
  }
  return false;
}

function parseDocs(text: string, parseYaml: YamlParser): { docs: unknown[] } | { skip: string } {
  const parts = yamlDocuments(text);
  if (parts.length === 0) return { skip: 'empty file' };
  const docs: unknown[] = [];
  for (const part of parts) {
    let doc: unknown;
    try {
      doc = parseYaml(part);
    } catch (e) {
      return { skip: `YAML does not parse: ${firstLine(e)}` };
    }
    if (tooManyValues(doc)) return { skip: `YAML expands to more than ${MAX_YAML_VALUES.toLocaleString('en')} values (nested aliases)` };
    docs.push(doc);
  }
  return { docs };
}

// ---- Sigma ------------------------------------------------------------------------------------------

export function sigmaDraft(path: string, text: string, parseYaml: YamlParser, folders: Folders): ParseOutcome {
  const parsed = parseDocs(text, parseYaml);
  if ('skip' in parsed) return parsed;
  const docs = parsed.docs;
  if (!docs.every(isObj)) return { skip: 'not a Sigma rule: a YAML document is not a mapping' };
  const maps = docs;
  if (maps.some((d) => 'correlation' in d)) return { skip: 'Sigma correlation rule: it combines other rules and is not a detection rule' };
  if (maps.some((d) => 'filter' in d && !('detection' in d))) return { skip: 'Sigma filter (meta) rule: it amends other rules and is not a detection rule' };
  const head = maps[0] as Obj;
  const title = typeof head.title === 'string' ? head.title.trim() : '';
  const logsource = maps.map((d) => d.logsource).find(isObj);
  const hasDetection = maps.some((d) => isObj(d.detection));
  const missing = [!title && 'title', !logsource && 'logsource', !hasDetection && 'detection'].filter(Boolean);
  if (missing.length) return { skip: `not a Sigma detection rule: no ${missing.join(', ')}` };
  const tags = [...new Set(maps.flatMap((d) => (Array.isArray(d.tags) ? d.tags.map(scalarText) : [])))];
  const rule: Obj = { ...head, logsource, ...(tags.length ? { tags } : {}) };
  const status = scalarText(head.status).trim().toLowerCase();
  const segs = segments(path).map((s) => s.toLowerCase());
  const deprecated = segs.includes('deprecated') || status === 'deprecated';
  const unsupported = segs.includes('unsupported') || status === 'unsupported';
  const collection = maps.length > 1;
  const id = typeof head.id === 'string' ? head.id.trim().toLowerCase() : '';
  const name = baseName(path);
  const where = segs.length > 1 ? (segments(path)[0] as string) : 'sigma';
  return {
    draft: {
      kind: 'rule',
      source: 'sigma',
      sourceId: id ? `sigma:${id}` : `sigma:path:${path}`,
      sourcePath: path,
      folder: folders.rule,
      names: [name, withSuffix(name, ` (${where})`)],
      priority: deprecated || unsupported ? 1 : 0,
      render: () => sigmaRuleNote(text, rule, { sourceFile: path, deprecated, unsupported, collection }),
    },
  };
}

// ---- Elastic ----------------------------------------------------------------------------------------

export function elasticDraft(path: string, text: string, folders: Folders): ParseOutcome {
  let doc: Obj;
  try {
    doc = parseToml(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { skip: `TOML does not parse: ${firstLine(e)}` };
  }
  const rule = doc.rule;
  if (!isObj(rule) || typeof rule.name !== 'string' || !rule.name.trim()) return { skip: 'not an Elastic detection rule: no [rule] name' };
  const id = typeof rule.rule_id === 'string' ? rule.rule_id.trim().toLowerCase() : '';
  const maturity = isObj(doc.metadata) ? scalarText(doc.metadata.maturity).toLowerCase() : '';
  const name = baseName(path);
  return {
    draft: {
      kind: 'rule',
      source: 'elastic',
      sourceId: id ? `elastic:${id}` : `elastic:path:${path}`,
      sourcePath: path,
      folder: folders.rule,
      names: [name, withSuffix(name, ' (elastic)')],
      priority: maturity === 'deprecated' || /(^|\/)_deprecated\//.test(path) ? 1 : 0,
      render: () => elasticRuleNote(text, doc, { sourceFile: path }),
    },
  };
}

// ---- Splunk -----------------------------------------------------------------------------------------

export function splunkDraft(path: string, text: string, parseYaml: YamlParser, folders: Folders): ParseOutcome {
  const parsed = parseDocs(text, parseYaml);
  if ('skip' in parsed) return parsed;
  if (parsed.docs.length !== 1) return { skip: 'not a Splunk detection: several YAML documents' };
  const doc = parsed.docs[0];
  if (!isObj(doc) || typeof doc.name !== 'string' || !doc.name.trim() || typeof doc.search !== 'string') {
    return { skip: 'not a Splunk detection: no name or search' };
  }
  const id = typeof doc.id === 'string' ? doc.id.trim().toLowerCase() : '';
  const status = scalarText(doc.status).toLowerCase();
  const name = baseName(path);
  return {
    draft: {
      kind: 'rule',
      source: 'splunk',
      sourceId: id ? `splunk:${id}` : `splunk:path:${path}`,
      sourcePath: path,
      folder: folders.rule,
      names: [name, withSuffix(name, ' (splunk)')],
      priority: status === 'deprecated' || /(^|\/)deprecated\//.test(path) ? 1 : 0,
      render: () => splunkRuleNote(text, doc, { sourceFile: path }),
    },
  };
}

// ---- Atomic Red Team --------------------------------------------------------------------------------

export function atomicDraft(path: string, text: string, parseYaml: YamlParser, folders: Folders): ParseOutcome {
  const parsed = parseDocs(text, parseYaml);
  if ('skip' in parsed) return parsed;
  const doc = parsed.docs[0];
  if (parsed.docs.length !== 1 || !isObj(doc)) return { skip: 'not an Atomic Red Team file: expected one YAML mapping' };
  const id = parseBareId(scalarText(doc.attack_technique));
  if (!id) return { skip: `not an Atomic Red Team file: attack_technique "${oneLine(doc.attack_technique)}" is not a technique ID` };
  const tests = doc.atomic_tests;
  if (!Array.isArray(tests) || tests.length === 0) return { skip: 'not an Atomic Red Team file: no atomic_tests' };
  if (!tests.every(isObj)) return { skip: 'malformed atomic_tests: every test must be a mapping' };
  const display = oneLine(doc.display_name) || id;
  const atomic: Obj = { ...doc, attack_technique: id, display_name: display };
  return {
    draft: {
      kind: 'test',
      source: 'atomic',
      sourceId: `atomic:${id}`,
      sourcePath: path,
      folder: folders.test,
      // Not the technique note's name: the Use-Case-Catalogue gave both the same basename, so links broke.
      names: [withSuffix(techniqueFileName(id, display), ' (Atomic tests)')],
      priority: 0,
      render: (basename) => atomicNote(atomic, { fileName: basename, summary: true }),
    },
  };
}

/** One source file of a rule or test importer → a draft or a reason to skip it. */
export function draftFor(kind: Exclude<SourceKind, 'attack'>, path: string, text: string, parseYaml: YamlParser, folders: Folders): ParseOutcome {
  switch (kind) {
    case 'sigma':
      return sigmaDraft(path, text, parseYaml, folders);
    case 'elastic':
      return elasticDraft(path, text, folders);
    case 'splunk':
      return splunkDraft(path, text, parseYaml, folders);
    case 'atomic':
      return atomicDraft(path, text, parseYaml, folders);
  }
}
