/**
 * What a package's `build` gets besides its values: release-scoped names and labels, resource-level
 * conditions and loops, images, and the one stable-password helper.
 */
import { Construct } from 'constructs';
import { Expr, makeExpr, newLoopVars, nodeOf, toExpr, type Operand } from '../expr/expr';
import { loopRefs, type Ref } from '../expr/refs';
import type { ImageRef } from '../package';

/** A resource-level condition or loop; every object below it is wrapped in `if` / `range`. */
export type ControlSpec =
  | { readonly kind: 'if'; readonly cond: Expr }
  | { readonly kind: 'each'; readonly over: Expr; readonly keyVar: string; readonly itemVar: string };

export class Control extends Construct {
  static of(c: Construct): ControlSpec | undefined {
    return c instanceof Control ? c.spec : undefined;
  }

  constructor(scope: Construct, id: string, readonly spec: ControlSpec) {
    super(scope, id);
  }
}

/** Labels a Kubernetes object carries, as string props (markers stand for expressions). */
export type Labels = Record<string, string>;

/** The annotation naming Secret keys whose values hearth generates (compared by shape in tests). */
export const GENERATED_KEYS_ANNOTATION = 'hearth.dev/generated-keys';

export class BuildContext {
  /** The release name (`.Release.Name`). */
  readonly releaseName = makeExpr<string>({ op: 'release', field: 'Name' }, 'string');
  /** The release namespace (`.Release.Namespace`); the compiler puts every object there. */
  readonly namespace = makeExpr<string>({ op: 'release', field: 'Namespace' }, 'string');
  /** The release-scoped base name: the release name, plus the chart name unless it contains it. */
  readonly fullname = makeExpr<string>({ op: 'include', helper: 'fullname', args: [] }, 'string');

  constructor(
    readonly chartName: string,
    readonly chartVersion: string,
    readonly appVersion: string,
    private readonly images: readonly ImageRef[],
  ) {}

  /**
   * A release-scoped object name: `<fullname>-<suffix>...`, DNS-1123, at most 63 characters
   * (longer names keep 54 characters and a hash of the whole, so they stay distinct).
   */
  name(...suffixes: Operand<string>[]): string {
    if (suffixes.length === 0) return this.fullname.toString();
    return makeExpr<string>({ op: 'include', helper: 'name', args: suffixes.map((s) => nodeOfOperand(s)) }, 'string').toString();
  }

  /** Labels that select this release's pods: only `app.kubernetes.io/name` and `instance`. */
  get selectorLabels(): Labels {
    return { 'app.kubernetes.io/name': this.chartName, 'app.kubernetes.io/instance': this.releaseName.toString() };
  }

  /** The standard labels every object carries. */
  get standardLabels(): Labels {
    return {
      ...this.selectorLabels,
      'app.kubernetes.io/version': this.appVersion,
      'app.kubernetes.io/managed-by': makeExpr<string>({ op: 'release', field: 'Service' }, 'string').toString(),
      'app.kubernetes.io/part-of': 'hearth',
      'helm.sh/chart': `${this.chartName}-${this.chartVersion}`.replace(/\+/g, '_'),
    };
  }

  /** The image reference declared under `name` in the package's `images`. */
  image(name: string): string {
    const found = this.images.find((i) => i.name === name);
    if (!found) throw new Error(`image '${name}' is not declared in the package's images (${this.images.map((i) => i.name).join(', ')})`);
    return found.image;
  }

  /** Objects built inside `build` exist only when `cond` holds (`{{- if }}` around each). */
  if(scope: Construct, id: string, cond: Operand<boolean>, build: (scope: Construct) => void): void {
    build(new Control(scope, id, { kind: 'if', cond: toExpr(cond) }));
  }

  /** Objects built inside `build` exist once per entry of a map or list value (`{{- range }}`). */
  each<I>(scope: Construct, id: string, over: Expr<Record<string, I>> | Expr<I[]>, build: (scope: Construct, item: Ref<I>, key: Expr<string>) => void): void {
    const { keyVar, itemVar } = newLoopVars();
    const { item, key } = loopRefs<I>(over, keyVar, itemVar);
    build(new Control(scope, id, { kind: 'each', over, keyVar, itemVar }), item, key);
  }

  /**
   * A password that is `given` when non-empty, else generated once and kept: on upgrade the value
   * is read back from the Secret `secretName` (the only `lookup` in any hearth chart).
   */
  stablePassword(secretName: string, key: string, given: Operand<string> = ''): Expr<string> {
    return makeExpr<string>(
      { op: 'include', helper: 'stablePassword', args: [nodeOfOperand(secretName), nodeOfOperand(key), nodeOfOperand(given)] },
      'string',
    );
  }
}

function nodeOfOperand(value: unknown) {
  return nodeOf(toExpr(value));
}
