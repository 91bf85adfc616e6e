/**
 * "Testing Runbooks" notes: one per Atomic Red Team technique file, in the Use-Case-Catalogue HEAD
 * layout (domain.md §1.1 variant b). The body follows ART's own generated Markdown so that analysts
 * recognise it; one `## Atomic Test #N` heading per test, which is what per-test counts rely on.
 */
import { closeOpenFence, fenced, flowList, oneLine, scalarText, tableCell } from './markdown';
import { techniqueFileName } from './names';
import { techniqueTag } from './technique-note';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// ART platform IDs → the labels its own Markdown shows. Maps, not objects: a platform or executor named
// `constructor` or `toString` must not find an inherited property.
const PLATFORMS = new Map<string, string>(Object.entries({
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  'office-365': 'Office 365',
  'azure-ad': 'Azure AD',
  'google-workspace': 'Google Workspace',
  saas: 'SaaS',
  iaas: 'IaaS',
  containers: 'Containers',
  'iaas:gcp': 'Google Cloud Platform',
  'iaas:azure': 'Azure',
  'iaas:aws': 'AWS',
  esxi: 'ESXi',
}));

/**
 * A test's free text (description, manual steps) as Markdown that cannot pass for another test: the engine
 * counts `## Atomic Test #N` headings, so a line of the text reading `Atomic Test #N` (as a heading, or the
 * text of one) gets its `#` escaped: it shows the same and counts for nothing. A code block it leaves
 * open is closed (see `closeOpenFence`).
 */
const freeText = (v: unknown): string => closeOpenFence(scalarText(v).trim()).replace(/^([ \t]*(?:#{1,6}[ \t]+)?Atomic Test )#(?=\d)/gim, '$1\\#');

// Executor names → code-fence languages.
const LANG = new Map<string, string>(Object.entries({ command_prompt: 'cmd', powershell: 'powershell', sh: 'sh', bash: 'bash' }));

/** Platforms as ART's Markdown labels them; unknown ones as written. */
const platformLabels = (test: Obj): string[] => list(test.supported_platforms).map((p) => PLATFORMS.get(scalarText(p)) ?? scalarText(p));

function inputs(args: Obj): string[] {
  const names = Object.keys(args);
  if (names.length === 0) return [];
  return [
    '#### Inputs:',
    '| Name | Description | Type | Default Value |',
    '|------|-------------|------|---------------|',
    ...names.map((n) => {
      const a = obj(args[n]);
      return `| ${tableCell(n)} | ${tableCell(a.description)} | ${tableCell(a.type)} | ${tableCell(a.default)} |`;
    }),
    '',
  ];
}

function executor(e: Obj): string[] {
  const name = scalarText(e.name);
  const elevation = e.elevation_required === true ? ' Elevation Required (e.g. root or admin)' : '';
  if (name === 'manual') {
    return [`#### Run it with these steps!${elevation}`, '', freeText(e.steps), ''];
  }
  const lang = LANG.get(name) ?? '';
  const out = [`#### Attack Commands: Run with \`${name}\`!${elevation}`, '', fenced(scalarText(e.command).trim(), lang), ''];
  const cleanup = scalarText(e.cleanup_command).trim();
  if (cleanup) out.push('#### Cleanup Commands:', fenced(cleanup, lang), '');
  return out;
}

function dependencies(test: Obj): string[] {
  const deps = list(test.dependencies).map(obj);
  if (deps.length === 0) return [];
  const runner = scalarText(test.dependency_executor_name) || scalarText(obj(test.executor).name);
  const lang = LANG.get(runner) ?? '';
  const out = [`#### Dependencies:  Run with \`${runner}\`!`];
  for (const d of deps) {
    out.push(`##### Description: ${oneLine(d.description)}`);
    out.push('##### Check Prereq Commands:', fenced(scalarText(d.prereq_command).trim(), lang));
    out.push('##### Get Prereq Commands:', fenced(scalarText(d.get_prereq_command).trim(), lang));
  }
  out.push('');
  return out;
}

export interface AtomicNoteOptions {
  /**
   * The note's own file name, for the `filename:` link. Default: the technique note's name, as the
   * Use-Case-Catalogue vault did (a basename collision the importer avoids by passing its own name).
   */
  fileName?: string;
  /** A table of the tests (number, name, GUID, platforms, executor, elevation) before the tests. */
  summary?: boolean;
}

function summaryTable(tests: Obj[]): string[] {
  return [
    '| No. | Test | GUID | Platforms | Executor | Elevation |',
    '|---|---|---|---|---|---|',
    ...tests.map((test, i) => {
      const e = obj(test.executor);
      const platforms = platformLabels(test);
      return `| ${i + 1} | ${tableCell(oneLine(test.name))} | ${tableCell(oneLine(test.auto_generated_guid))} | ${tableCell(platforms.join(', '))} | ${tableCell(scalarText(e.name))} | ${e.elevation_required === true ? 'required' : 'no'} |`;
    }),
    '',
  ];
}

export function atomicNote(atomic: Record<string, unknown>, opts: AtomicNoteOptions = {}): string {
  const id = oneLine(atomic.attack_technique);
  const name = oneLine(atomic.display_name);
  const lines = [
    '---',
    `tags: ${flowList([techniqueTag(id), 'atomic_test'])}`,
    // Links to the note's own basename.
    `filename: ${JSON.stringify(`[[${opts.fileName ?? techniqueFileName(id, name)}]]`)}`,
    '---',
    `# ${id} - ${name}`,
    '',
    ...(opts.summary ? summaryTable(list(atomic.atomic_tests).map(obj)) : []),
  ];
  list(atomic.atomic_tests).forEach((raw, i) => {
    const test = obj(raw);
    const platforms = platformLabels(test);
    lines.push(
      `## Atomic Test #${i + 1} - ${oneLine(test.name)}`,
      freeText(test.description),
      '',
      `**Supported Platforms:** ${platforms.join(', ')}`,
      '',
      `**auto_generated_guid:** ${oneLine(test.auto_generated_guid)}`,
      '',
      ...inputs(obj(test.input_arguments)),
      ...executor(obj(test.executor)),
      ...dependencies(test),
    );
  });
  return lines.join('\n').replace(/\n*$/, '\n');
}
