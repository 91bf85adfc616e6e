/**
 * Framework-free DOM building shared by the plugin's views, the code blocks, the browser harness and the
 * CLI's HTML report. Standard DOM only (works in Obsidian, jsdom and linkedom); text is always set as
 * text — note content is untrusted and never parsed as HTML.
 */

export interface ElOptions {
  cls?: string | string[];
  text?: string;
  attr?: Record<string, string | number | boolean>;
  title?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(parent: Element | DocumentFragment, tag: K, opts: ElOptions = {}): HTMLElementTagNameMap[K] {
  const doc = parent.ownerDocument ?? (parent as unknown as Document);
  const node = doc.createElement(tag);
  const cls = typeof opts.cls === 'string' ? opts.cls.split(' ') : (opts.cls ?? []);
  for (const c of cls) if (c) node.classList.add(c);
  if (opts.text !== undefined) node.textContent = opts.text;
  if (opts.title !== undefined) node.setAttribute('title', opts.title);
  for (const [k, v] of Object.entries(opts.attr ?? {})) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}

export function text(parent: Element, s: string): void {
  parent.appendChild((parent.ownerDocument ?? document).createTextNode(s));
}

/** How rendered views reach notes: the plugin opens them in Obsidian, the report links to files. */
export interface LinkHandler {
  /** `href` for the anchor (a vault path in Obsidian, a relative URL in the report). */
  href(path: string): string;
  open?(path: string, event: MouseEvent): void;
  hover?(path: string, event: MouseEvent, target: HTMLElement): void;
}

/** An internal link to a note, keyboard reachable, opening through the handler. */
export function noteLink(parent: Element, path: string, label: string, links: LinkHandler): HTMLAnchorElement {
  const a = el(parent, 'a', { cls: 'internal-link', text: label, attr: { href: links.href(path), 'data-href': path } });
  if (links.open) {
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      links.open?.(path, ev);
    });
    // A middle click sends no click event, and its default would follow the href: open the note in a
    // new tab instead, as Obsidian's own links do.
    a.addEventListener('auxclick', (ev) => {
      if (ev.button !== 1) return;
      ev.preventDefault();
      links.open?.(path, ev);
    });
  }
  if (links.hover) a.addEventListener('mouseover', (ev) => links.hover?.(path, ev, a));
  return a;
}
