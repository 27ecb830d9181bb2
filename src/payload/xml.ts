/**
 * Well-formedness of WNS XML payloads (providers.md §3.2): XML 1.0 elements, attributes,
 * references, comments, processing instructions and CDATA; no DTD, ASCII names. Pure; a check,
 * not a parser.
 */

const NAME = '[A-Za-z_][\\w.:-]*';
const QUOTED = `(?:"[^"<]*"|'[^'<]*')`;
const DECLARATION = new RegExp(
  `<\\?xml\\s+version\\s*=\\s*(["'])1\\.\\d+\\1` +
    `(?:\\s+encoding\\s*=\\s*(["'])[A-Za-z][\\w.-]*\\2)?` +
    `(?:\\s+standalone\\s*=\\s*(["'])(?:yes|no)\\3)?\\s*\\?>`,
  'y',
);
const START_TAG = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*${QUOTED})*)\\s*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const COMMENT = /<!--(?:(?!--)[\s\S])*-->/y;
const INSTRUCTION = new RegExp(`<\\?(${NAME})(?:\\s[\\s\\S]*?)?\\?>`, 'y');
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/y;
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#([0-9]+)|#x([0-9A-Fa-f]+));/g;
/** XML 1.0 §2.2 Char: anything else (most controls, lone surrogates, U+FFFE/F) is refused. */
const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_CHAR_GLOBAL = new RegExp(NOT_CHAR.source, 'gu');
const SPACE = /^[ \t\r\n]*$/;

function matchAt(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(text);
}

function isCharCode(code: number): boolean {
  return code <= 0x10ffff && !NOT_CHAR.test(String.fromCodePoint(code));
}

/** Character data with only the predefined and numeric references (no DTD declares others). */
function isCharData(text: string): boolean {
  if (text.includes(']]>')) return false;
  let valid = true;
  const rest = text.replace(REFERENCE, (_, decimal?: string, hex?: string) => {
    if (decimal !== undefined || hex !== undefined) {
      valid &&= isCharCode(
        decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16),
      );
    }
    return '';
  });
  return valid && !rest.includes('&');
}

function attributesOk(attributes: string): boolean {
  const names = new Set<string>();
  for (const [, name = '', double, single] of attributes.matchAll(ATTRIBUTE)) {
    if (names.has(name) || !isCharData(double ?? single ?? '')) return false;
    names.add(name);
  }
  return true;
}

/** The root element's name when `text` is a well-formed XML document, else null. */
export function xmlRootName(text: string): string | null {
  if (NOT_CHAR.test(text)) return null;
  const open: string[] = [];
  let root: string | null = null;
  let at = matchAt(DECLARATION, text, 0) ? DECLARATION.lastIndex : 0;
  while (at < text.length) {
    const next = text.indexOf('<', at);
    const chars = text.slice(at, next < 0 ? undefined : next);
    if (open.length === 0 ? !SPACE.test(chars) : !isCharData(chars)) return null;
    if (next < 0) break;

    const instruction = matchAt(INSTRUCTION, text, next);
    if (matchAt(COMMENT, text, next)) at = COMMENT.lastIndex;
    else if (instruction && instruction[1]?.toLowerCase() !== 'xml') at = INSTRUCTION.lastIndex;
    else if (open.length > 0 && matchAt(CDATA, text, next)) at = CDATA.lastIndex;
    else {
      const end = matchAt(END_TAG, text, next);
      if (end) {
        if (open.pop() !== end[1]) return null;
        at = END_TAG.lastIndex;
        continue;
      }
      const start = matchAt(START_TAG, text, next);
      if (!start?.[1] || !attributesOk(start[2] ?? '')) return null;
      if (open.length === 0) {
        if (root !== null) return null;
        root = start[1];
      }
      if (start[3] !== '/') open.push(start[1]);
      at = START_TAG.lastIndex;
    }
  }
  return open.length === 0 ? root : null;
}

/** `text` without the characters XML 1.0 cannot carry (§2.2), e.g. control characters. */
export function xmlChars(text: string): string {
  return text.replace(NOT_CHAR_GLOBAL, '');
}

/** `text` escaped for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
