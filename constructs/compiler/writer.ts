/**
 * Template tree → Go-template YAML.
 *
 * Scalars are typed: strings through `toJson`, integers through `int64` (Helm reads numbers from values
 * files as float64, which would print as 1e+06), booleans and floats through `toJson`, objects and
 * lists through `toYaml | nindent` at the right column. Conditional keys and items become
 * `{{- if }}` blocks, loops `{{- range }}` blocks. Literal `{{` in data is escaped.
 */
import { stringify } from 'yaml';
import { nodeOf, typeOf, type Expr } from '../expr/expr';
import { goOf, type GoNaming } from '../expr/go';
import type { ListItem, MapEntry, Scalar, TNode } from './tree';

const pad = (n: number) => ' '.repeat(n);

/** Go-template text cannot contain a literal `{{`: print it from a string literal instead. */
export function escapeBraces(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** Plain scalars that read back as the same string under YAML 1.1 and 1.2 (the common case). */
const SAFE_PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;
const YAML11_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;

/** A literal scalar as YAML text; multi-line strings become block scalars indented under `indent`. */
function scalarText(value: Scalar, indent: number): string {
  if (typeof value === 'string' && SAFE_PLAIN.test(value) && !YAML11_WORDS.test(value)) return value;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  const text = stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
  const [first, ...rest] = text.split('\n');
  return escapeBraces([first, ...rest.map((line) => (line ? pad(indent) + line : line))].join('\n'));
}

function keyText(key: string): string {
  return scalarText(key, 0);
}

/** Closes a document whose last value is a block: Helm trims trailing whitespace of manifests. */
export const BLOCK_GUARD = '# end of document (keeps the trailing newlines of the block above)';

export class TemplateWriter {
  private readonly lines: string[] = [];
  /** True while the last written value may end in blank lines that belong to it. */
  private openBlock = false;
  /** Counter for the variables of filtered-loop guards (unique within a template). */
  private flags = 0;

  constructor(private readonly naming: GoNaming) {}

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  raw(line: string): void {
    this.lines.push(line);
  }

  private go(e: Expr): string {
    return goOf(nodeOf(e), this.naming);
  }

  /** Writes the top-level object of a resource. */
  document(node: TNode): void {
    if (node.t !== 'map') throw new Error('a resource must be an object');
    this.openBlock = false;
    this.entries(node.entries, 0);
    if (this.openBlock) this.raw(BLOCK_GUARD);
  }

  private writeValueLine(line: string, block: boolean): void {
    this.raw(line);
    this.openBlock = block;
  }

  private entries(entries: readonly MapEntry[], indent: number): void {
    for (const entry of entries) {
      if (entry.cond) this.raw(`${pad(indent)}{{- if ${this.go(entry.cond)} }}`);
      this.value(`${pad(indent)}${keyText(entry.key)}:`, entry.value, indent);
      if (entry.cond) this.raw(`${pad(indent)}{{- end }}`);
    }
  }

  private items(items: readonly ListItem[], indent: number): void {
    for (const item of items) {
      if (item.t === 'each') {
        this.raw(`${pad(indent)}{{- range $${item.keyVar}, $${item.itemVar} := ${this.go(item.over)} }}`);
        if (item.cond) this.raw(`${pad(indent)}{{- if ${this.go(item.cond)} }}`);
        this.item(item.body, indent);
        if (item.cond) this.raw(`${pad(indent)}{{- end }}`);
        this.raw(`${pad(indent)}{{- end }}`);
        continue;
      }
      if (item.cond) this.raw(`${pad(indent)}{{- if ${this.go(item.cond)} }}`);
      this.item(item.node, indent);
      if (item.cond) this.raw(`${pad(indent)}{{- end }}`);
    }
  }

  /** A list item; a map item starts on the dash line when its first key is unconditional. */
  private item(node: TNode, indent: number): void {
    if (node.t === 'map' && node.entries.length > 0 && !node.entries[0].cond && !this.mayBeEmpty(node)) {
      const start = this.lines.length;
      this.entries(node.entries, indent + 2);
      const first = this.lines[start].slice(indent + 2);
      if (first.startsWith('{{')) this.lines.splice(start, 0, `${pad(indent)}-`);
      else this.lines[start] = `${pad(indent)}- ${first}`;
      return;
    }
    this.value(`${pad(indent)}-`, node, indent);
  }

  /** True when a map or list has no unconditional member, so it may render empty. */
  private mayBeEmpty(node: TNode): boolean {
    if (node.t === 'map') return node.entries.every((e) => e.cond);
    if (node.t === 'list') return node.items.every((i) => i.t === 'each' || i.cond);
    return false;
  }

  /**
   * Go condition that holds when a possibly-empty map or list renders at least one member. A
   * filtered loop (`ex.each` whose body is `ex.when`) is first run once to set a variable that says
   * whether any entry passes the filter, so an all-filtered list is written `[]` like any other.
   */
  private nonEmptyCondition(node: TNode, indent: number): string {
    if (node.t === 'map') return this.anyOf(node.entries.map((e) => this.go(e.cond!)));
    if (node.t !== 'list') return 'true';
    return this.anyOf(
      node.items.map((i) => {
        if (i.t === 'item') return this.go(i.cond!);
        if (!i.cond) return this.go(i.over);
        const flag = `$any${++this.flags}`;
        this.raw(
          `${pad(indent)}{{- ${flag} := false }}{{- range $${i.keyVar}, $${i.itemVar} := ${this.go(i.over)} }}` +
            `{{- if ${this.go(i.cond)} }}{{- ${flag} = true }}{{- end }}{{- end }}`,
        );
        return flag;
      }),
    );
  }

  private anyOf(conds: readonly string[]): string {
    return conds.length === 1 ? conds[0] : `(or ${conds.join(' ')})`;
  }

  private value(prefix: string, node: TNode, indent: number): void {
    switch (node.t) {
      case 'scalar': {
        const text = scalarText(node.value, indent + 2);
        this.writeValueLine(`${prefix} ${text}`, text.includes('\n'));
        return;
      }
      case 'expr':
        this.expr(prefix, node.expr, indent);
        return;
      case 'choose':
        this.raw(`${pad(indent)}{{- if ${this.go(node.cond)} }}`);
        this.value(prefix, node.then, indent);
        this.raw(`${pad(indent)}{{- else }}`);
        this.value(prefix, node.otherwise, indent);
        this.raw(`${pad(indent)}{{- end }}`);
        return;
      case 'map':
      case 'list': {
        const members = node.t === 'map' ? node.entries.length : node.items.length;
        const empty = node.t === 'map' ? '{}' : '[]';
        if (members === 0) {
          this.writeValueLine(`${prefix} ${empty}`, false);
          return;
        }
        const guarded = this.mayBeEmpty(node);
        if (guarded) this.raw(`${pad(indent)}{{- if ${this.nonEmptyCondition(node, indent)} }}`);
        this.raw(prefix);
        if (node.t === 'map') this.entries(node.entries, indent + 2);
        else this.items(node.items, indent + 2);
        if (guarded) {
          this.raw(`${pad(indent)}{{- else }}`);
          this.raw(`${prefix} ${empty}`);
          this.raw(`${pad(indent)}{{- end }}`);
        }
        return;
      }
    }
  }

  private expr(prefix: string, e: Expr, indent: number): void {
    const go = this.go(e);
    switch (typeOf(e)) {
      case 'string':
        // toJson, not quote: Helm deletes the text "<no value>" from rendered templates, and
        // JSON's \u003c escaping is the one spelling of a user's string that survives it.
        this.writeValueLine(`${prefix} {{ ${go} | toJson }}`, false);
        return;
      case 'int':
        this.writeValueLine(`${prefix} {{ ${go} | int64 }}`, false);
        return;
      case 'boolean':
      case 'number':
        this.writeValueLine(`${prefix} {{ ${go} | toJson }}`, false);
        return;
      default:
        this.raw(prefix);
        this.writeValueLine(`${pad(indent + 2)}{{- toYaml ${go} | nindent ${indent + 2} }}`, true);
    }
  }
}
