/**
 * Obsidian adds helpers to the DOM prototypes (createEl, createDiv, empty, isShown, …). jsdom and a plain
 * browser lack them, so the stand-in installs the same helpers once, here. Importing the `obsidian`
 * stand-in installs them (as Obsidian itself does globally); jest tests that only need the helpers can
 * import this file as their setup.
 */

export interface DomElementInfo {
  cls?: string | string[];
  text?: string | DocumentFragment;
  attr?: Record<string, string | number | boolean | null>;
  title?: string;
  parent?: Node;
  value?: string;
  type?: string;
  prepend?: boolean;
  placeholder?: string;
  href?: string;
}

type Info = DomElementInfo | string | undefined;

function applyInfo(node: HTMLElement, o: Info): void {
  if (o === undefined) return;
  const info: DomElementInfo = typeof o === 'string' ? { cls: o } : o;
  const cls = typeof info.cls === 'string' ? info.cls.split(' ') : (info.cls ?? []);
  for (const c of cls) if (c) node.classList.add(c);
  if (info.text !== undefined) {
    if (typeof info.text === 'string') node.textContent = info.text;
    else node.appendChild(info.text);
  }
  if (info.title !== undefined) node.setAttribute('title', info.title);
  if (info.value !== undefined && 'value' in node) (node as HTMLInputElement).value = info.value;
  if (info.type !== undefined) node.setAttribute('type', info.type);
  if (info.placeholder !== undefined) node.setAttribute('placeholder', info.placeholder);
  if (info.href !== undefined) node.setAttribute('href', info.href);
  for (const [k, v] of Object.entries(info.attr ?? {})) {
    if (v === null || v === false) node.removeAttribute(k);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}

function make(doc: Document, parent: Node | null, tag: string, o?: Info, cb?: (el: HTMLElement) => void): HTMLElement {
  const node = doc.createElement(tag);
  applyInfo(node, o);
  const info = typeof o === 'object' ? o : undefined;
  const into = info?.parent ?? parent;
  if (into) {
    if (info?.prepend) into.insertBefore(node, into.firstChild);
    else into.appendChild(node);
  }
  cb?.(node);
  return node;
}

/** Visible: attached to the document and not inside anything hidden (jsdom has no layout, so no offsetParent). */
function isShown(node: Element): boolean {
  if (!node.isConnected) return false;
  for (let e: Element | null = node; e; e = e.parentElement) {
    if (e.hasAttribute('hidden') || e.classList.contains('is-hidden') || e.classList.contains('is-collapsed')) return false;
    const display = (e as HTMLElement).style?.display;
    if (display === 'none') return false;
  }
  return true;
}

let installed = false;

export function installDomExtensions(): void {
  if (installed || typeof HTMLElement === 'undefined') return;
  installed = true;
  const nodeProto = Node.prototype as unknown as Record<string, unknown>;
  const elProto = HTMLElement.prototype as unknown as Record<string, unknown>;
  const fragProto = DocumentFragment.prototype as unknown as Record<string, unknown>;
  const define = (proto: Record<string, unknown>, name: string, fn: unknown): void => {
    Object.defineProperty(proto, name, { value: fn, configurable: true, writable: true });
  };

  for (const proto of [nodeProto, fragProto]) {
    define(proto, 'createEl', function (this: Node, tag: string, o?: Info, cb?: (el: HTMLElement) => void) {
      return make(this.ownerDocument ?? document, this, tag, o, cb);
    });
    define(proto, 'createDiv', function (this: Node, o?: Info, cb?: (el: HTMLElement) => void) {
      return make(this.ownerDocument ?? document, this, 'div', o, cb);
    });
    define(proto, 'createSpan', function (this: Node, o?: Info, cb?: (el: HTMLElement) => void) {
      return make(this.ownerDocument ?? document, this, 'span', o, cb);
    });
    define(proto, 'empty', function (this: Node) {
      while (this.firstChild) this.removeChild(this.firstChild);
    });
    define(proto, 'appendText', function (this: Node, s: string) {
      this.appendChild((this.ownerDocument ?? document).createTextNode(s));
    });
  }
  define(nodeProto, 'detach', function (this: Node) {
    this.parentNode?.removeChild(this);
  });
  define(nodeProto, 'instanceOf', function (this: Node, type: new () => unknown) {
    return this instanceof type;
  });
  define(elProto, 'setText', function (this: HTMLElement, s: string | DocumentFragment) {
    if (typeof s === 'string') this.textContent = s;
    else this.replaceChildren(s);
  });
  define(elProto, 'getText', function (this: HTMLElement) {
    return this.textContent ?? '';
  });
  define(elProto, 'addClass', function (this: HTMLElement, ...cls: string[]) {
    this.classList.add(...cls.filter(Boolean));
  });
  define(elProto, 'addClasses', function (this: HTMLElement, cls: string[]) {
    this.classList.add(...cls.filter(Boolean));
  });
  define(elProto, 'removeClass', function (this: HTMLElement, ...cls: string[]) {
    this.classList.remove(...cls);
  });
  define(elProto, 'toggleClass', function (this: HTMLElement, cls: string | string[], value: boolean) {
    for (const c of typeof cls === 'string' ? [cls] : cls) this.classList.toggle(c, value);
  });
  define(elProto, 'hasClass', function (this: HTMLElement, cls: string) {
    return this.classList.contains(cls);
  });
  define(elProto, 'setAttr', function (this: HTMLElement, k: string, v: string | number | boolean | null) {
    if (v === null) this.removeAttribute(k);
    else this.setAttribute(k, String(v));
  });
  define(elProto, 'setAttrs', function (this: HTMLElement, attrs: Record<string, string | number | boolean | null>) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null) this.removeAttribute(k);
      else this.setAttribute(k, String(v));
    }
  });
  define(elProto, 'isShown', function (this: HTMLElement) {
    return isShown(this);
  });
  define(elProto, 'show', function (this: HTMLElement) {
    this.removeAttribute('hidden');
  });
  define(elProto, 'hide', function (this: HTMLElement) {
    this.setAttribute('hidden', '');
  });
  define(elProto, 'toggle', function (this: HTMLElement, show: boolean) {
    if (show) this.removeAttribute('hidden');
    else this.setAttribute('hidden', '');
  });
  define(elProto, 'setCssProps', function (this: HTMLElement, props: Record<string, string>) {
    for (const [k, v] of Object.entries(props)) this.style.setProperty(k, v);
  });
  define(elProto, 'setCssStyles', function (this: HTMLElement, props: Record<string, string>) {
    Object.assign(this.style, props);
  });
  define(elProto, 'find', function (this: HTMLElement, selector: string) {
    return this.querySelector(selector);
  });
  define(elProto, 'findAll', function (this: HTMLElement, selector: string) {
    return Array.from(this.querySelectorAll(selector));
  });
  define(elProto, 'onClickEvent', function (this: HTMLElement, cb: (ev: MouseEvent) => void) {
    this.addEventListener('click', cb);
  });

  // Obsidian: `el.win` / `el.doc` are the element's own window and document (popout windows).
  Object.defineProperty(Node.prototype, 'doc', { get(this: Node) { return this.ownerDocument ?? document; }, configurable: true });
  Object.defineProperty(Node.prototype, 'win', { get(this: Node) { return (this.ownerDocument ?? document).defaultView ?? window; }, configurable: true });
  Object.defineProperty(Document.prototype, 'win', { get(this: Document) { return this.defaultView ?? window; }, configurable: true });

  const g = globalThis as unknown as Record<string, unknown>;
  g.createEl = (tag: string, o?: Info, cb?: (el: HTMLElement) => void): HTMLElement => make(document, null, tag, o, cb);
  g.createDiv = (o?: Info, cb?: (el: HTMLElement) => void): HTMLElement => make(document, null, 'div', o, cb);
  g.createSpan = (o?: Info, cb?: (el: HTMLElement) => void): HTMLElement => make(document, null, 'span', o, cb);
  g.createFragment = (cb?: (f: DocumentFragment) => void): DocumentFragment => {
    const f = document.createDocumentFragment();
    cb?.(f);
    return f;
  };
  // Obsidian's popout-safe globals.
  g.activeDocument ??= document;
  g.activeWindow ??= window;
}

installDomExtensions();
