/**
 * The technique analytics sections as DOM: events covered, the authoring guide, rules by vendor and
 * package, ATT&CK mitigations and detection (strategies and analytics, v17 data components) with the
 * expected-events gap. Renders `TechniqueAnalytics` (plain data from core) through `dom.ts` only: text is
 * always set as text, nothing is parsed as HTML, no inline styles.
 *
 * Fast with thousands of predicates: tables show the first `limit` rows (default 20) and build the rest
 * only when "Show all" is clicked; everything is built into a detached element and attached once.
 */
import type { AnalyticInfo } from '../core/attack/details';
import type {
  EventRow,
  FieldRow,
  IndicatorRow,
  PackageGroup,
  RuleRow,
  TechniqueAnalytics,
} from '../core/analytics/technique-analytics';
import { el, noteLink, text, type LinkHandler } from './dom';

/** Sections, in display order. Block `show:` names: `events`, `guide`, `packages`, `mitigations`, `detection`. */
export const ANALYTICS_SECTIONS = ['events', 'guide', 'packages', 'mitigations', 'detection'] as const;
export type AnalyticsSection = (typeof ANALYTICS_SECTIONS)[number];

export interface AnalyticsRenderOptions {
  /** Which sections (default: all, in the order above). */
  sections?: readonly AnalyticsSection[];
  /** Rows per table before "Show all" (default 20). */
  limit?: number;
  /** The note the panel is shown in: named, not linked. */
  currentPath?: string;
  /** Sections start collapsed except these (default: all open). */
  open?: readonly AnalyticsSection[];
}

const P = 'attack-coverage';
const A = `${P}-analytics`;

const plural = (n: number, word: string, words = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;

/** Operator kinds as the guide shows them. */
const OP_LABEL: Record<string, string> = {
  eq: 'eq',
  eq_cs: 'eq (cased)',
  ne: 'ne',
  wildcard: 'wildcard',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
  regex_match: 'regex',
  cidr_match: 'cidr',
  is_null: 'is null',
  is_not_null: 'exists',
  compare: 'compare',
  field_eq_field: 'field ref',
  placeholder: 'placeholder',
  keyword: 'keyword',
  time_part: 'time',
};
export const opLabel = (op: string): string => OP_LABEL[op] ?? op;

/**
 * A collapsible section. Its body is built now when open, else on first opening: a closed section
 * costs three elements however much it holds.
 */
function section(root: HTMLElement, id: AnalyticsSection, title: string, count: string, open: boolean, body: (sec: HTMLElement) => void): void {
  const details = el(root, 'details', { cls: [`${P}-section`, `${A}-section`, `${A}-${id}`], attr: { 'data-section': id } });
  const summary = el(details, 'summary', { cls: `${P}-section-title` });
  el(summary, 'span', { text: title });
  if (count) el(summary, 'span', { cls: `${P}-count`, text: count });
  lazy(details, open, () => body(details));
}

/** Runs `build` now if `open`, else the first time the `<details>` is opened. */
function lazy(details: HTMLElement, open: boolean, build: () => void): void {
  if (open) {
    details.setAttribute('open', '');
    build();
    return;
  }
  const onToggle = (): void => {
    if (!details.hasAttribute('open')) return;
    details.removeEventListener('toggle', onToggle);
    build();
  };
  details.addEventListener('toggle', onToggle);
}

const muted = (parent: Element, s: string): HTMLElement => el(parent, 'div', { cls: `${P}-muted`, text: s });
const sub = (parent: Element, s: string, count?: string): HTMLElement => {
  const h = el(parent, 'div', { cls: `${A}-subtitle`, attr: { role: 'heading', 'aria-level': 5 } });
  el(h, 'span', { text: s });
  if (count) el(h, 'span', { cls: `${P}-count`, text: count });
  return h;
};

interface Column<T> {
  label: string;
  cls?: string;
  cell(td: HTMLTableCellElement, row: T): void;
}

/** A table of the first `limit` rows; "Show all N" builds the rest on demand. */
function table<T>(parent: Element, name: string, cols: Array<Column<T>>, rows: readonly T[], limit: number): void {
  const t = el(parent, 'table', { cls: [`${P}-table`, `${A}-table`], attr: { 'data-table': name } });
  const head = el(el(t, 'thead'), 'tr');
  for (const c of cols) el(head, 'th', { cls: c.cls ?? '', text: c.label, attr: { scope: 'col' } });
  const body = el(t, 'tbody');
  const add = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const r = rows[i] as T;
      const tr = el(body, 'tr');
      for (const c of cols) c.cell(el(tr, 'td', { cls: c.cls ?? '' }), r);
    }
  };
  const first = Math.min(rows.length, limit);
  add(0, first);
  if (rows.length > first) showAll(parent, rows.length, () => add(first, rows.length));
}

function showAll(parent: Element, total: number, more: () => void): void {
  const wrap = el(parent, 'div', { cls: `${A}-more` });
  const b = el(wrap, 'button', { cls: `${P}-show-all`, text: `Show all ${total.toLocaleString('en-US')}`, attr: { type: 'button' } });
  b.addEventListener('click', () => {
    more();
    wrap.remove();
  });
}

const setText = (td: Element, s: string): void => {
  td.textContent = s;
};

function external(parent: Element, href: string, label: string): void {
  el(parent, 'a', { cls: 'external-link', text: label, attr: { href, target: '_blank', rel: 'noopener' } });
}

// ---- sections -----------------------------------------------------------------------------------

function renderEvents(root: HTMLElement, d: TechniqueAnalytics, limit: number, open: boolean): void {
  const primary = d.events.filter((e) => !e.alternative);
  section(root, 'events', 'Events covered', String(primary.length), open, (sec) => eventsBody(sec, d, primary.length, limit));
}

function eventsBody(sec: HTMLElement, d: TechniqueAnalytics, primary: number, limit: number): void {
  if (d.events.length === 0) {
    muted(sec, d.rules === 0 ? 'No rules for this technique.' : 'No known event is read by these rules (no Windows log source or event ID the tables know).');
    return;
  }
  const equivalents = d.events.length - primary;
  muted(
    sec,
    `${plural(primary, 'event')} read by at least one of the ${plural(d.rules, 'rule')}, from their log sources and event-ID conditions` +
      (equivalents ? ` (and ${plural(equivalents, 'equivalent event')}, e.g. Security 4688 for Sysmon 1).` : '.'),
  );
  const cols: Array<Column<EventRow>> = [
    { label: 'Provider', cell: (td, e) => setText(td, e.provider) },
    { label: 'Event ID', cls: `${P}-col-num`, cell: (td, e) => setText(td, String(e.eventId)) },
    {
      label: 'Title',
      cell: (td, e) => {
        text(td, e.title || '—');
        if (e.alternative) el(td, 'span', { cls: `${A}-note`, text: ' (equivalent event)', title: 'Read only as the equivalent of another event (e.g. Security 4688 for Sysmon 1)' });
        if (e.unverified) el(td, 'span', { cls: `${A}-note`, text: ' *', title: 'Title not checked against a primary source' });
      },
    },
    { label: 'Rules', cls: `${P}-col-num`, cell: (td, e) => setText(td, String(e.rules)) },
  ];
  table(sec, 'events', cols, d.events, limit);
}

function howText(f: FieldRow): string {
  return f.ops.map((o) => `${opLabel(o.op)} ${o.rules}`).join(' · ');
}

const indicatorCols = (reachTitle: string): Array<Column<IndicatorRow>> => [
  { label: 'Field', cell: (td, r) => setText(td, r.field || '(keyword)') },
  { label: 'Kind', cell: (td, r) => setText(td, opLabel(r.op)) },
  { label: 'Value', cls: `${A}-value`, cell: (td, r) => void el(td, 'code', { text: r.value }) },
  { label: 'Rules (here)', cls: `${P}-col-num`, cell: (td, r) => setText(td, String(r.rules)) },
  {
    label: 'Corpus reach',
    cls: `${P}-col-num`,
    cell: (td, r) => {
      if (!r.uniqueHere) td.textContent = String(r.reach);
      td.setAttribute('title', r.uniqueHere ? 'Only rules under this technique use it' : reachTitle);
    },
  },
];

function renderGuide(root: HTMLElement, d: TechniqueAnalytics, limit: number, open: boolean): void {
  section(root, 'guide', 'Authoring guide', d.parsedRules ? plural(d.parsedRules, 'rule') : '', open, (sec) => guideBody(sec, d, limit));
}

function guideBody(sec: HTMLElement, d: TechniqueAnalytics, limit: number): void {
  const g = d.guide;
  if (d.parsedRules === 0) {
    muted(sec, d.rules === 0 ? 'No rules for this technique.' : 'None of these rules could be parsed into field conditions.');
  } else {
    muted(
      sec,
      `Patterns shared across the ${plural(d.parsedRules, 'parsed rule')}: the fields they filter on, the values they look for, and what they exclude. ` +
        'Field names are normalised across vendors (Sigma Image, Elastic process.name and Splunk process_name are one row); each rule counts at most once per row.',
    );

    sub(sec, 'Fields filtered most', `${g.fields.length} distinct`);
    table<FieldRow>(
      sec,
      'fields',
      [
        {
          label: 'Field',
          cell: (td, f) => {
            text(td, f.field);
            if (f.aliases.length) el(td, 'span', { cls: `${A}-note`, text: ` (${f.aliases.join(', ')})`, title: 'Spellings used by the rules' });
          },
        },
        { label: 'Rules', cls: `${P}-col-num`, cell: (td, f) => setText(td, String(f.rules)) },
        { label: 'How', cell: (td, f) => setText(td, howText(f)) },
        {
          label: 'Sample values',
          cls: `${A}-value`,
          cell: (td, f) => {
            f.samples.forEach((s, i) => {
              if (i) text(td, ', ');
              el(td, 'code', { text: s });
            });
          },
        },
      ],
      g.fields,
      limit,
    );

    sub(sec, 'Top indicator values', `${g.indicators.length} distinct`);
    muted(
      sec,
      `Corpus reach: how many of the vault's ${plural(d.corpusRules, 'rule')} (any technique) check the same field, kind and value. ` +
        'High numbers mark widely used, likely noisy indicators; blank means only rules under this technique use it.',
    );
    table(sec, 'indicators', indicatorCols('Rule notes in the vault using the same field, kind and value'), g.indicators, limit);

    sub(sec, 'What the rules exclude', `${g.exclusions.length} distinct`);
    if (g.exclusions.length === 0) muted(sec, 'No filters: none of these rules excludes anything.');
    else table(sec, 'exclusions', indicatorCols('Rule notes in the vault excluding the same field, kind and value'), g.exclusions, limit);
  }
  if (d.unparsed.length) {
    const det = el(sec, 'details', { cls: `${A}-unparsed` });
    el(det, 'summary', { text: `${plural(d.unparsed.length, 'rule')} not fully understood` });
    const ul = el(det, 'ul');
    for (const u of d.unparsed) {
      const li = el(ul, 'li');
      el(li, 'span', { cls: `${A}-state mod-${u.state}`, text: u.state === 'partial' ? 'partly parsed' : u.state === 'pending' ? 'reading' : 'not parsed' });
      text(li, ' ');
      text(li, u.title);
      if (u.problems.length) el(li, 'div', { cls: `${P}-muted`, text: u.problems.slice(0, 3).join('; ') + (u.problems.length > 3 ? ` (+${u.problems.length - 3} more)` : '') });
    }
  }
  if (d.pending) muted(sec, `${plural(d.pending, 'rule')} still being read; the panel updates when they are.`);
}

const shortId = (id: string): string => (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id) ? id.slice(0, 8) : id);

function ruleLine(ul: Element, r: RuleRow, links: LinkHandler, currentPath: string | undefined, successor: string | undefined): void {
  const li = el(ul, 'li', { cls: `${A}-rule` });
  if (r.ruleId) {
    el(li, 'code', { cls: `${A}-rule-id`, text: shortId(r.ruleId), title: r.ruleId });
    text(li, ': ');
  }
  if (r.path === currentPath) el(li, 'span', { cls: `${P}-self`, text: r.title });
  else noteLink(li, r.path, r.title, links);
  if (r.via) {
    const title = r.via === successor ? `Filed under ${r.via}, the ID the next ATT&CK release gives this technique` : `Rolled up from sub-technique ${r.via}`;
    el(li, 'span', { cls: `${P}-via`, text: ` ${r.via}`, title });
  }
  if (r.description) {
    text(li, ': ');
    el(li, 'span', { cls: `${A}-description`, text: r.description });
  }
}

function renderPackages(root: HTMLElement, d: TechniqueAnalytics, links: LinkHandler, limit: number, open: boolean, currentPath?: string): void {
  section(root, 'packages', 'Rules by vendor and package', String(d.rules), open, (sec) => {
    if (d.vendors.length === 0) {
      muted(sec, 'No rules for this technique.');
      return;
    }
    muted(sec, 'Every rule under this technique, grouped by vendor and by package (the rule note\'s folder): "ID: name: description".');
    // Rules are listed at once only when they all fit under the limit; otherwise per package, on demand.
    const listAll = d.rules <= limit;
    for (const v of d.vendors) {
      sub(sec, v.label, plural(v.rules, 'rule'));
      const packages = el(sec, 'ul', { cls: `${A}-packages` });
      const addPackage = (p: PackageGroup): void => {
        const li = el(packages, 'li', { cls: `${A}-package` });
        const head = el(li, 'div', { cls: `${A}-package-name`, title: 'Package: the rule notes\' folder' });
        text(head, p.package || '(vault root)');
        el(head, 'span', { cls: `${P}-count`, text: String(p.rules.length) });
        const list = (): void => {
          const ul = el(li, 'ul', { cls: `${A}-rules` });
          const first = Math.min(limit, p.rules.length);
          for (let i = 0; i < first; i++) ruleLine(ul, p.rules[i] as RuleRow, links, currentPath, d.successor);
          if (p.rules.length > first)
            showAll(li, p.rules.length, () => {
              for (let i = first; i < p.rules.length; i++) ruleLine(ul, p.rules[i] as RuleRow, links, currentPath, d.successor);
            });
        };
        if (listAll) return list();
        const b = el(head, 'button', { cls: `${P}-show-all`, text: 'List rules', attr: { type: 'button' } });
        b.addEventListener('click', () => {
          b.remove();
          list();
        });
      };
      const first = Math.min(limit, v.packages.length);
      for (let i = 0; i < first; i++) addPackage(v.packages[i] as PackageGroup);
      if (v.packages.length > first)
        showAll(sec, v.packages.length, () => {
          for (let i = first; i < v.packages.length; i++) addPackage(v.packages[i] as PackageGroup);
        });
    }
  });
}

function renderMitigations(root: HTMLElement, d: TechniqueAnalytics, limit: number, open: boolean): void {
  const m = d.attack?.mitigations ?? [];
  section(root, 'mitigations', 'Mitigations', d.attack ? String(m.length) : '', open, (sec) => mitigationsBody(sec, d, limit));
}

function mitigationsBody(sec: HTMLElement, d: TechniqueAnalytics, limit: number): void {
  const m = d.attack?.mitigations ?? [];
  if (!d.attack) {
    muted(sec, 'No ATT&CK context for this technique (not in the loaded ATT&CK details).');
    return;
  }
  if (m.length === 0) {
    muted(sec, `ATT&CK ${d.attack.version} lists no mitigation for ${d.id}.`);
    return;
  }
  table(
    sec,
    'mitigations',
    [
      { label: 'ID', cell: (td, x) => external(td, x.url, x.id) },
      { label: 'Name', cell: (td, x) => setText(td, x.name) },
      { label: 'How', cls: `${A}-prose`, cell: (td, x) => setText(td, x.how) },
    ],
    m,
    limit,
  );
}

function analyticBlock(parent: Element, a: AnalyticInfo): void {
  const box = el(parent, 'div', { cls: `${A}-analytic` });
  const head = el(box, 'div', { cls: `${A}-analytic-head` });
  external(head, a.url, a.id);
  if (a.platforms.length) text(head, ` · ${a.platforms.join(', ')}`);
  if (a.description) el(box, 'div', { cls: `${A}-prose`, text: a.description });
  if (a.logSources.length) {
    const ul = el(box, 'ul', { cls: `${A}-logsources` });
    for (const ls of a.logSources) {
      const li = el(ul, 'li');
      el(li, 'code', { text: ls.name });
      text(li, ` ${ls.channel}`);
      if (ls.componentName) el(li, 'span', { cls: `${A}-note`, text: ` (${ls.componentName}${ls.component ? `, ${ls.component}` : ''})` });
    }
  }
  if (a.mutable.length) {
    const det = el(box, 'details', { cls: `${A}-mutable` });
    el(det, 'summary', { text: `${plural(a.mutable.length, 'tunable element')}` });
    const ul = el(det, 'ul');
    for (const m of a.mutable) {
      const li = el(ul, 'li');
      el(li, 'code', { text: m.field });
      if (m.description) text(li, `: ${m.description}`);
    }
  }
}

function renderDetection(root: HTMLElement, d: TechniqueAnalytics, limit: number, open: boolean): void {
  const gap = d.gap;
  section(root, 'detection', 'ATT&CK detection', gap ? (gap.missing.length ? `${gap.missing.length} missing` : 'no gap') : '', open, (sec) => detectionBody(sec, d, limit));
}

function detectionBody(sec: HTMLElement, d: TechniqueAnalytics, limit: number): void {
  const ctx = d.attack;
  const gap = d.gap;
  if (!ctx) {
    muted(sec, 'No ATT&CK context for this technique (not in the loaded ATT&CK details).');
    return;
  }
  // The gap first: it is what no other tool shows.
  if (gap && gap.expected.length) {
    sub(sec, 'Expected events no rule reads', `${gap.missing.length} of ${gap.expected.length}`);
    if (gap.missing.length === 0) muted(sec, `Every event ATT&CK's analytics name for ${d.id} is read by at least one of its rules.`);
    else {
      muted(sec, `Events ATT&CK ${ctx.version}'s analytics for ${d.id} expect (EventCode channels) that none of its ${plural(d.rules, 'rule')} reads.`);
      table(
        sec,
        'gap',
        [
          { label: 'Provider', cell: (td, e) => setText(td, e.provider) },
          { label: 'Event ID', cls: `${P}-col-num`, cell: (td, e) => setText(td, String(e.eventId)) },
          { label: 'Title', cell: (td, e) => setText(td, e.title || '—') },
          { label: 'Analytics', cell: (td, e) => setText(td, `${e.analytics.join(', ')}${e.platforms.length ? ` (${e.platforms.join(', ')})` : ''}`) },
        ],
        gap.missing,
        limit,
      );
    }
    const read = gap.expected.filter((e) => e.read);
    if (read.length)
      muted(sec, `Read: ${read.map((e) => `${e.provider} ${e.eventId}${e.readAsAlternative ? ' (as equivalent)' : ''}`).join(', ')}.`);
    if (gap.other.length) muted(sec, `${plural(gap.other.length, 'other log source')} without event IDs (${gap.other.slice(0, 4).map((o) => o.name).join(', ')}${gap.other.length > 4 ? ', …' : ''}): see the analytics below.`);
  }
  if (ctx.strategies.length) {
    for (const s of ctx.strategies) {
      const h = sub(sec, '');
      h.textContent = '';
      external(h, s.url, s.id);
      text(h, ` ${s.name}`);
      const first = Math.min(limit, s.analytics.length);
      for (let i = 0; i < first; i++) analyticBlock(sec, s.analytics[i] as AnalyticInfo);
      if (s.analytics.length > first) showAll(sec, s.analytics.length, () => {
        for (let i = first; i < s.analytics.length; i++) analyticBlock(sec, s.analytics[i] as AnalyticInfo);
      });
    }
  } else muted(sec, `ATT&CK ${ctx.version} has no detection strategy for ${d.id}.`);

  if (ctx.dataComponents.length) {
    const det = el(sec, 'details', { cls: `${A}-legacy` });
    el(det, 'summary', { text: `Data sources and components (ATT&CK v${ctx.legacyVersion ?? ctx.version})`, attr: {} });
    table(
      det,
      'data-components',
      [
        {
          label: 'Data source: component',
          cell: (td, c) => {
            if (c.dataSourceId) {
              external(td, `https://attack.mitre.org/datasources/${c.dataSourceId}`, c.dataSourceId);
              text(td, ' ');
            }
            text(td, `${c.dataSource ? `${c.dataSource}: ` : ''}${c.name}`);
          },
        },
        { label: 'Description', cls: `${A}-prose`, cell: (td, c) => setText(td, c.text) },
      ],
      ctx.dataComponents,
      limit,
    );
  }
}

/**
 * Renders the analytics sections into `parent` (appended as one `div.attack-coverage-analytics`, built
 * detached first). Returns the new element.
 */
export function renderAnalytics(parent: Element | DocumentFragment, data: TechniqueAnalytics, links: LinkHandler, opts: AnalyticsRenderOptions = {}): HTMLElement {
  // Built detached (taken out again at once, nothing has measured it yet), attached once at the end:
  // one style and layout pass however many rows.
  const root = el(parent, 'div', { cls: A, attr: { 'data-technique': data.id } });
  root.remove();
  const limit = Math.max(1, opts.limit ?? 20);
  const want = new Set(opts.sections ?? ANALYTICS_SECTIONS);
  const isOpen = (s: AnalyticsSection): boolean => !opts.open || opts.open.includes(s);
  for (const s of ANALYTICS_SECTIONS) {
    if (!want.has(s)) continue;
    if (s === 'events') renderEvents(root, data, limit, isOpen(s));
    else if (s === 'guide') renderGuide(root, data, limit, isOpen(s));
    else if (s === 'packages') renderPackages(root, data, links, limit, isOpen(s), opts.currentPath);
    else if (s === 'mitigations') renderMitigations(root, data, limit, isOpen(s));
    else renderDetection(root, data, limit, isOpen(s));
  }
  parent.appendChild(root);
  return root;
}

/** Parses block `show:` words into analytics sections (unknown words are left for the caller). */
export function analyticsSections(words: readonly string[]): AnalyticsSection[] {
  return ANALYTICS_SECTIONS.filter((s) => words.some((w) => w.toLowerCase() === s));
}
