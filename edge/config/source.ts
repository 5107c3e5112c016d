import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A YAML file parsed with positions, so that a problem can name the line of the key that is wrong. */
export interface YamlSource {
  file: string;
  data: unknown;
  syntaxErrors: { line: number; col: number; message: string; hint?: string }[];
  /** Line and column of the key at `path`, or of its nearest existing parent. */
  locate(path: readonly PropertyKey[]): { line: number; col: number };
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  return {
    file,
    data: doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }),
    syntaxErrors: doc.errors.map((e) => ({
      ...at(e.pos[0]),
      message: e.message.split('\n')[0] ?? e.message,
      hint: YAML_HINTS[e.code],
    })),
    locate(path) {
      let node: unknown = doc.contents;
      let position = { line: 1, col: 1 };
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
          if (!pair) break;
          const keyRange = (pair.key as Node).range;
          if (keyRange) position = at(keyRange[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          if (item.range) position = at(item.range[0]);
          node = item;
        } else break;
      }
      return position;
    },
  };
}

/** The yaml library's error codes, in a technician's words (its own text says what, not how to fix it). */
const YAML_HINTS: Partial<Record<string, string>> = {
  BAD_INDENT: 'keys of one section start in the same column: indent this line like the key above it (spaces only)',
  BLOCK_AS_IMPLICIT_KEY:
    'this line is indented deeper than the key above it, or a "key: value" lacks the space after ":"',
  MULTILINE_IMPLICIT_KEY:
    'a line without ":" (a "key value" missing its colon?), or indented deeper than the key above it',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'the keys of one list item line up under the first one, after "- "; a new item starts with "- "',
  DUPLICATE_KEY: 'this key appears twice in the same section: keep one',
  UNEXPECTED_TOKEN: 'check the brackets and quotes on this line',
  BAD_SCALAR_START: 'a value starting with @, ` or % must be quoted',
};
