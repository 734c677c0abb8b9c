/**
 * Package → compiled package: runs `build` once against value expressions, then turns every
 * ApiObject into a template tree with its resource-level controls. Both the Helm chart and the
 * concrete render are produced from this one result.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { TObject } from '@sinclair/typebox';
import { isExpr, resetLoopVars } from '../expr/expr';
import { refOf } from '../expr/refs';
import { POD_TEMPLATE_PATHS } from '../k8s/pod-template-paths';
import type { PackageDefinition } from '../package';
import { chartSchemaOf, defaultsOf } from '../values/derive';
import { toPlainSchema, type JsonSchemaNode } from '../values/schema';
import { ValuesValidator } from '../values/validate';
import { BuildContext, Control, type ControlSpec } from './context';
import { CompileError, toTree, type TNode } from './tree';

/** Kinds that are not namespaced; objects of other kinds go to the release namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'APIService', 'CSIDriver', 'IngressClass', 'RuntimeClass', 'VolumeSnapshotClass', 'ClusterIssuer',
  'CiliumClusterwideNetworkPolicy', 'CiliumLoadBalancerIPPool', 'CiliumBGPClusterConfig', 'CiliumL2AnnouncementPolicy',
  'VirtualMachineClusterInstancetype', 'VirtualMachineClusterPreference', 'KubeVirt', 'CDI', 'LinstorCluster',
  'LinstorSatelliteConfiguration', 'BucketClass', 'BucketAccessClass',
]);

/** Declares a custom kind cluster-scoped (typed CR modules call this for their kinds). */
export function declareClusterScoped(kind: string): void {
  CLUSTER_SCOPED.add(kind);
}
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** cdk8s-plus selects by a construct-path label; two releases would select each other's pods. */
const CDK8S_PATH_LABEL = 'cdk8s.io/metadata.addr';

export interface CompiledResource {
  readonly apiVersion: string;
  readonly kind: string;
  /** Construct path below the chart: part of the contract (template file names derive from it). */
  readonly path: string;
  /** `templates/<file>`. */
  readonly file: string;
  /** Outermost first. */
  readonly controls: readonly ControlSpec[];
  readonly tree: TNode;
}

export interface CompiledPackage {
  readonly pkg: PackageDefinition;
  /** The values schema as authored (plain JSON). */
  readonly schema: JsonSchemaNode;
  /** values.schema.json. */
  readonly chartSchema: Record<string, unknown>;
  readonly defaults: Record<string, unknown>;
  readonly validator: ValuesValidator;
  readonly resources: readonly CompiledResource[];
}

function slug(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function controlsOf(obj: Construct): ControlSpec[] {
  return obj.node.scopes.map(Control.of).filter((c): c is ControlSpec => c !== undefined);
}

function stripPathLabel(value: unknown, selector: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => stripPathLabel(v, selector));
  if (!value || typeof value !== 'object' || isExpr(value)) return value;
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  if (CDK8S_PATH_LABEL in record) Object.assign(out, selector);
  for (const [k, v] of Object.entries(record)) if (k !== CDK8S_PATH_LABEL) out[k] = stripPathLabel(v, selector);
  return out;
}

function getPath(obj: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = obj;
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/** Release scoping: namespace, standard labels, release-scoped selectors. */
function decorate(json: Record<string, unknown>, ctx: BuildContext, where: string): Record<string, unknown> {
  const kind = String(json.kind);
  const out = stripPathLabel(json, ctx.selectorLabels) as Record<string, unknown>;
  const metadata = { ...(out.metadata as Record<string, unknown>) };
  if (metadata.namespace !== undefined) {
    throw new CompileError(`${where}: sets metadata.namespace; objects go to the release namespace (remove it)`);
  }
  if (metadata.labels !== undefined && (typeof metadata.labels !== 'object' || isExpr(metadata.labels))) {
    throw new CompileError(`${where}: metadata.labels must be an object literal (values may be expressions, the map itself may not)`);
  }
  const labels = { ...ctx.standardLabels, ...(metadata.labels as Record<string, string> | undefined) };
  const ordered: Record<string, unknown> = { name: metadata.name };
  if (!isClusterScoped(kind)) ordered.namespace = ctx.namespace.toString();
  ordered.labels = labels;
  for (const [k, v] of Object.entries(metadata)) if (!(k in ordered)) ordered[k] = v;
  out.metadata = ordered;
  const template = POD_TEMPLATE_PATHS[kind] ? getPath(out, POD_TEMPLATE_PATHS[kind]) : undefined;
  if (template) {
    const podMeta = { ...((template.metadata as Record<string, unknown>) ?? {}) };
    podMeta.labels = { ...ctx.standardLabels, ...(podMeta.labels as Record<string, string> | undefined) };
    template.metadata = podMeta;
  }
  return out;
}

/** Compiles a package definition. Throws CompileError with the package and object named. */
export function compilePackage<S extends TObject>(definition: PackageDefinition<S>): CompiledPackage {
  // The compiled form is schema-agnostic; only `build` sees the typed values.
  const pkg = definition as unknown as PackageDefinition;
  const schema = toPlainSchema(pkg.values as TObject);
  const ctx = new BuildContext(pkg.name, pkg.version, pkg.appVersion, pkg.images);
  const app = new App();
  const chart = new Chart(app, pkg.name, { disableResourceNameHashes: true });
  resetLoopVars();
  pkg.build(chart, refOf(schema, { op: 'values', path: [] }) as never, ctx);

  const usedFiles = new Map<string, number>();
  const resources: CompiledResource[] = [];
  for (const obj of chart.node.findAll()) {
    if (!ApiObject.isApiObject(obj)) continue;
    const segments = obj.node.scopes.slice(2).map((s) => s.node.id).filter((id) => id !== 'Resource' && id !== 'Default');
    const path = segments.join('/') || obj.kind;
    const where = `${pkg.name}: ${obj.kind} '${path}'`;
    let json: Record<string, unknown>;
    try {
      json = obj.toJson() as Record<string, unknown>;
    } catch (e) {
      throw new CompileError(`${where}: ${(e as Error).message}`);
    }
    const tree = toTree(decorate(json, ctx, where), '');
    const nameNode = tree.t === 'map' ? tree.entries.find((e) => e.key === 'metadata')?.value : undefined;
    const name = nameNode?.t === 'map' ? nameNode.entries.find((e) => e.key === 'name')?.value : undefined;
    if (!name || name.t !== 'expr') {
      const fixed = name?.t === 'scalar' ? ` '${String(name.value)}'` : '';
      throw new CompileError(`${where}: has the fixed name${fixed}; derive it from the release with ctx.name(...)`);
    }
    let file = `${slug(obj.kind)}-${slug(segments.join('-')) || 'main'}`;
    const seen = usedFiles.get(file) ?? 0;
    usedFiles.set(file, seen + 1);
    if (seen) file = `${file}-${seen + 1}`;
    resources.push({ apiVersion: obj.apiVersion, kind: obj.kind, path, file: `${file}.yaml`, controls: controlsOf(obj), tree });
  }
  resources.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const chartSchema = chartSchemaOf(schema);
  let validator: ValuesValidator | undefined;
  return {
    pkg,
    schema,
    chartSchema,
    defaults: defaultsOf(schema) as Record<string, unknown>,
    // Compiled on first use: building charts never validates values, rendering always does.
    get validator() {
      validator ??= new ValuesValidator(chartSchema);
      return validator;
    },
    resources,
  };
}
