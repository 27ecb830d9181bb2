const NAME = '[A-Za-z_][\\w.:-]*';
const ATTRIBUTE = `\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`;
const ANY_ATTRIBUTE = `\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*')`;
const START_TAG = new RegExp(`<(${NAME})((?:${ANY_ATTRIBUTE})*)\\s*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const ATTRIBUTES = new RegExp(ATTRIBUTE, 'g');
const ENTITY = /&(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);/g;

const hasBareAmpersand = (text: string): boolean => text.replace(ENTITY, '').includes('&');

function attributesOk(attributes: string): boolean {
  const seen = new Set<string>();
  for (const [, name, doubleQuoted, singleQuoted] of attributes.matchAll(ATTRIBUTES)) {
    if (!name || seen.has(name) || hasBareAmpersand(doubleQuoted ?? singleQuoted ?? '')) {
      return false;
    }
    seen.add(name);
  }
  return true;
}

/** Skips a `<!--…-->`, `<?…?>` or `<![CDATA[…]]>` at `at`; -1 when malformed, at when none. */
function skipSpecial(text: string, at: number, inRoot: boolean): number {
  const forms: [string, string, boolean][] = [
    ['<!--', '-->', true],
    ['<?', '?>', true],
    ['<![CDATA[', ']]>', inRoot],
  ];
  for (const [open, close, allowed] of forms) {
    if (!text.startsWith(open, at)) continue;
    const end = text.indexOf(close, at + open.length);
    return allowed && end >= 0 ? end + close.length : -1;
  }
  return at;
}

/**
 * Name of the root element when `text` is a well-formed XML document (no DTD), else undefined.
 * A small hand check for WNS payloads (providers.md §3.2), not a full XML parser.
 */
export function xmlRootName(text: string): string | undefined {
  const stack: string[] = [];
  let root: string | undefined;
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  while (at < text.length) {
    const next = text.indexOf('<', at);
    const chars = text.slice(at, next < 0 ? undefined : next);
    if (stack.length === 0 ? chars.trim() !== '' : hasBareAmpersand(chars)) return undefined;
    if (next < 0) break;
    at = skipSpecial(text, next, stack.length > 0);
    if (at < 0) return undefined;
    if (at !== next) continue;
    END_TAG.lastIndex = next;
    const end = END_TAG.exec(text);
    if (end) {
      if (stack.pop() !== end[1]) return undefined;
      at = END_TAG.lastIndex;
      continue;
    }
    START_TAG.lastIndex = next;
    const start = START_TAG.exec(text);
    if (!start?.[1] || !attributesOk(start[2] ?? '')) return undefined;
    if (stack.length === 0) {
      if (root !== undefined) return undefined;
      root = start[1];
    }
    if (start[3] !== '/') stack.push(start[1]);
    at = START_TAG.lastIndex;
  }
  return stack.length === 0 ? root : undefined;
}
