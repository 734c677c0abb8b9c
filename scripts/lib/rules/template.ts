/**
 * Template safety, read from the chart's template files (not the render): `tpl` evaluates a string
 * with the full function map (lookup included), so a value passed through it can read any Secret
 * the installing identity can; `lookup` reads live cluster objects; `.Files` reads chart files.
 */
import type { Rule, Violation } from './rule';

/** One `{{ ... }}` action: its code with string literals replaced by `"#n"`, and those literals. */
export interface TemplateAction {
  readonly code: string;
  readonly strings: readonly string[];
  readonly line: number;
  /** Names of the enclosing `define` blocks, innermost last. */
  readonly defines: readonly string[];
}

/** Splits Go template text into its actions, tracking `define` nesting. */
export function templateActions(text: string): TemplateAction[] {
  const actions: TemplateAction[] = [];
  const stack: { kind: string; name?: string }[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    line += (text.slice(i, open).match(/\n/g) ?? []).length;
    const start = line;
    let j = open + 2;
    let code = '';
    const strings: string[] = [];
    while (j < text.length && !text.startsWith('}}', j)) {
      const ch = text[j]!;
      if (ch === '\n') line++;
      if (ch === '"' || ch === '`' || ch === "'") {
        let k = j + 1;
        let literal = '';
        while (k < text.length && text[k] !== ch) {
          if (ch !== '`' && text[k] === '\\') {
            literal += text[k + 1] ?? '';
            k += 2;
            continue;
          }
          if (text[k] === '\n') line++;
          literal += text[k];
          k++;
        }
        code += `"#${strings.length}"`;
        strings.push(literal);
        j = k + 1;
        continue;
      }
      if (text.startsWith('/*', j)) {
        const end = text.indexOf('*/', j + 2);
        const stop = end < 0 ? text.length : end + 2;
        line += (text.slice(j, stop).match(/\n/g) ?? []).length;
        j = stop;
        continue;
      }
      code += ch;
      j++;
    }
    const trimmed = code.replace(/^-\s*/, '').replace(/\s*-$/, '').trim();
    const keyword = /^(\w+)/.exec(trimmed)?.[1];
    if (keyword === 'define') {
      const index = /^define\s+"#(\d+)"/.exec(trimmed)?.[1];
      stack.push({ kind: 'define', name: index !== undefined ? strings[Number(index)] : undefined });
    } else if (keyword === 'if' || keyword === 'range' || keyword === 'with' || keyword === 'block') {
      stack.push({ kind: keyword });
    }
    actions.push({ code: trimmed, strings, line: start, defines: stack.filter((s) => s.kind === 'define').map((s) => s.name ?? '') });
    if (keyword === 'end') stack.pop();
    i = j + 2;
  }
  return actions;
}

/** True when the action calls the function `name` (a bare identifier, not a field or a string). */
function calls(code: string, name: string): boolean {
  return new RegExp(`(^|[\\s(|])${name}(?=[\\s)]|$)`).test(code);
}

function* templateFiles(files: Readonly<Record<string, string>>): Generator<[string, string]> {
  for (const [path, text] of Object.entries(files)) if (path.startsWith('templates/')) yield [path, text];
}

/** The one helper allowed to call lookup (it keeps generated passwords stable across upgrades). */
export const LOOKUP_HELPER = 'stablePassword';

export const TEMPLATE_RULES: readonly Rule[] = [
  {
    id: 'template.no-tpl',
    rationale: 'tpl evaluates a string as a template with every function, lookup included: a tenant value passed through it can read any Secret.',
    fix: 'Never tpl a value; build the text with expressions (ex.format, ex.str) so values are only ever data.',
    *check(subject) {
      for (const [file, text] of templateFiles(subject.files)) {
        for (const a of templateActions(text)) if (calls(a.code, 'tpl')) yield { object: file, path: `line ${a.line}`, message: 'calls tpl' } satisfies Violation;
      }
    },
  },
  {
    id: 'template.lookup-allowlisted',
    rationale: 'lookup reads live cluster objects with the installer\'s rights; only the stable-password helper may, with fixed arguments.',
    fix: 'Use ctx.stablePassword (the generated <chart>.stablePassword helper) instead of calling lookup.',
    *check(subject) {
      const allowed = `${subject.chartName}.${LOOKUP_HELPER}`;
      for (const [file, text] of templateFiles(subject.files)) {
        for (const a of templateActions(text)) {
          if (!calls(a.code, 'lookup')) continue;
          const inHelper = file === 'templates/_helpers.tpl' && a.defines[a.defines.length - 1] === allowed;
          if (!inHelper) yield { object: file, path: `line ${a.line}`, message: `calls lookup outside the ${allowed} helper` };
        }
      }
    },
  },
  {
    id: 'template.files-inside-chart',
    rationale: '.Files must read only files shipped inside the chart, by literal path; a computed path lets values choose what is read.',
    fix: 'Pass .Files.Get a literal relative path inside the chart (no .., no leading /).',
    *check(subject) {
      for (const [file, text] of templateFiles(subject.files)) {
        for (const a of templateActions(text)) {
          for (const m of a.code.matchAll(/\.Files\.(Get|GetBytes|Glob|Lines)\s+(\S+)/g)) {
            const arg = m[2]!;
            const literal = /^"#(\d+)"/.exec(arg);
            if (!literal) {
              yield { object: file, path: `line ${a.line}`, message: `.Files.${m[1]} reads a computed path (${arg})` };
              continue;
            }
            const path = a.strings[Number(literal[1])] ?? '';
            if (path.startsWith('/') || path.split('/').includes('..')) yield { object: file, path: `line ${a.line}`, message: `.Files.${m[1]} reads ${JSON.stringify(path)}, outside the chart` };
          }
        }
      }
    },
  },
];
