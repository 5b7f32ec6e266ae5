/**
 * A strict little XML reader for the tests: it throws on anything not well-formed (unbalanced or
 * crossed tags, unquoted or duplicate attributes, a raw '<' or a bare '&' in text) and returns the tree.
 */
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

function decode(s: string, where: string): string {
  if (s.indexOf('<') >= 0) throw new Error(`raw '<' in ${where}`);
  const bare = s.replace(ENTITY, '');
  if (bare.indexOf('&') >= 0) throw new Error(`bare '&' in ${where}: ${s}`);
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(ENTITY, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (named[e] as string)));
}

function parseAttrs(src: string, tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = new RegExp(`^\\s+(${NAME})="([^"]*)"`);
  let rest = src;
  while (rest.trim() !== '') {
    const m = re.exec(rest);
    if (m === null) throw new Error(`bad attribute syntax in <${tag}>: ${rest}`);
    const name = m[1] as string;
    if (name in attrs) throw new Error(`duplicate attribute ${name} in <${tag}>`);
    attrs[name] = decode(m[2] as string, `attribute ${name}`);
    rest = rest.slice(m[0].length);
  }
  return attrs;
}

/** Parses a whole document with one root element; throws with a reason when it is not well-formed. */
export function parseXml(doc: string): XmlElement {
  let s = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}="[^"]*")*)\\s*(/?)>`);
  while (s.length > 0) {
    const lt = s.indexOf('<');
    const text = lt < 0 ? s : s.slice(0, lt);
    const top = stack[stack.length - 1] as XmlElement;
    if (text !== '') {
      if (top === root && text.trim() !== '') throw new Error('text outside the root element');
      top.text += decode(text, `<${top.name}> text`);
    }
    if (lt < 0) break;
    s = s.slice(lt);
    const m = tag.exec(s);
    if (m === null) throw new Error(`malformed tag at: ${s.slice(0, 40)}`);
    const [all, close, name, attrSrc, selfClose] = m as unknown as [string, string, string, string, string];
    if (close === '/') {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el: XmlElement = { name, attrs: parseAttrs(attrSrc, name), children: [], text: '' };
      if (top === root && root.children.length > 0) throw new Error('more than one root element');
      top.children.push(el);
      if (selfClose !== '/') stack.push(el);
    }
    s = s.slice(all.length);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${(stack[stack.length - 1] as XmlElement).name}>`);
  const only = root.children[0];
  if (only === undefined) throw new Error('no root element');
  return only;
}

/** Every descendant element with this name, depth-first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    out.push(...findAll(c, name));
  }
  return out;
}
