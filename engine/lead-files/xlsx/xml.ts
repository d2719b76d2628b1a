import { ImportLimitError } from '../limits.js';

/** What the tokenizer reports; names are local names (a `x:` or `main:` prefix is dropped). */
export interface XmlHandler {
  open(name: string, attrs: Record<string, string>, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data, decoded; one text node may come in several pieces. */
  text(piece: string): void;
}

/** Longest markup (a tag with its attributes, a comment, a CDATA section) accepted; text has no such limit. */
const MAX_MARKUP = 64 * 1024;
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e[0] !== '#') return ENTITY[e]!;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A streaming tokenizer for the SpreadsheetML parts of an XLSX, with bounded memory: it holds at most one piece of
 * markup (≤ 64 KB) between chunks and hands text on as it arrives, so a 500 MB text node costs nothing here (the
 * consumer decides how much of it to keep). Only the five predefined entities and character references are
 * decoded; a DOCTYPE (entity definitions, "billion laughs") is refused.
 */
export class XmlTokenizer {
  private carry = '';

  constructor(private readonly h: XmlHandler) {}

  feed(chunk: string): void {
    let buf = this.carry + chunk;
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        // Text up to the end, except a trailing '&…' that may be an entity cut in two.
        const amp = buf.lastIndexOf('&');
        const cut = amp >= pos && buf.indexOf(';', amp) < 0 && buf.length - amp < 12 ? amp : buf.length;
        if (cut > pos) this.h.text(decode(buf.slice(pos, cut)));
        this.carry = buf.slice(cut);
        return;
      }
      if (lt > pos) this.h.text(decode(buf.slice(pos, lt)));
      const end = this.markupEnd(buf, lt);
      if (end < 0) {
        if (buf.length - lt > MAX_MARKUP) throw new ImportLimitError('malformed workbook XML (markup longer than 64 KB)');
        this.carry = buf.slice(lt);
        return;
      }
      this.markup(buf.slice(lt, end));
      pos = end;
      if (pos > 1 << 20) {
        buf = buf.slice(pos);
        pos = 0;
      }
    }
  }

  end(): void {
    if (this.carry.trim() !== '' && this.carry.startsWith('<')) throw new ImportLimitError('malformed workbook XML (truncated)');
  }

  /** Index just past the markup starting at `lt`, or -1 when it is not complete yet. */
  private markupEnd(buf: string, lt: number): number {
    if (buf.startsWith('<!--', lt)) {
      const e = buf.indexOf('-->', lt + 4);
      return e < 0 ? -1 : e + 3;
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      const e = buf.indexOf(']]>', lt + 9);
      return e < 0 ? -1 : e + 3;
    }
    let quote = 0;
    for (let i = lt + 1; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 62) return i + 1;
    }
    return -1;
  }

  private markup(m: string): void {
    if (m.startsWith('<?') || m.startsWith('<!--')) return;
    if (m.startsWith('<![CDATA[')) {
      this.h.text(m.slice(9, -3));
      return;
    }
    if (m.startsWith('<!')) throw new ImportLimitError('workbook XML with a DOCTYPE is not accepted');
    if (m.startsWith('</')) {
      this.h.close(localName(m.slice(2, -1).trim()));
      return;
    }
    const selfClosing = m.endsWith('/>');
    const inner = m.slice(1, selfClosing ? -2 : -1);
    const space = inner.search(/\s/);
    const name = localName(space < 0 ? inner : inner.slice(0, space));
    const attrs: Record<string, string> = {};
    if (space >= 0) {
      for (const a of inner.slice(space).matchAll(ATTR)) attrs[localName(a[1]!)] = decode(a[2] ?? a[3] ?? '');
    }
    this.h.open(name, attrs, selfClosing);
    if (selfClosing) this.h.close(name);
  }
}
