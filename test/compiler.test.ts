/**
 * The compiler's emitted Go-template forms, one behaviour per test.
 */
import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { compilePackage } from '../constructs/compiler/compile';
import { chartFiles, templateOf } from '../constructs/compiler/chart-files';
import { renderConcrete } from '../constructs/compiler/render';
import { CompileError } from '../constructs/compiler/tree';
import { definePackage, ex, v, PackageError } from '../constructs';
import type { BuildContext } from '../constructs/compiler/context';
import type { Construct } from 'constructs';
import { fitName } from '../constructs/compiler/helpers';
import { HELM_MAJORS, helmTemplate, tempDir, writeTree } from './support/charts';

const values = v.object(
  {
    replicas: v.integer({ description: 'Replicas.', default: 2, minimum: 0, maximum: 10 }),
    name: v.string({ description: 'A name.', default: 'x' }),
    on: v.boolean({ description: 'A flag.', default: true }),
    ratio: v.number({ description: 'A ratio.', default: 0.5, minimum: 0, maximum: 1 }),
    tags: v.map(v.string({ description: 'Tag.', default: '' }), { description: 'Tags.', default: {} }),
    ports: v.list(v.integer({ description: 'Port.', default: 80, minimum: 1, maximum: 65535 }), { description: 'Ports.', default: [] }),
  },
  { description: 'Test values.' },
);

type Values = Parameters<Parameters<typeof definePackage<typeof values>>[0]['build']>[1];

function compile(build: (scope: Construct, values: Values, ctx: BuildContext) => void) {
  const pkg = definePackage({
    name: 'demo',
    version: '1.0.0',
    kind: 'module',
    category: 'Test',
    description: 'A package for compiler tests.',
    icon: 'icon.svg',
    keywords: ['test'],
    maintainers: [{ name: 't' }],
    appVersion: '1.0',
    kubeVersion: '>=1.29.0-0',
    images: [],
    values,
    build,
  });
  return compilePackage(pkg);
}

function onlyTemplate(build: Parameters<typeof compile>[0]): string {
  const compiled = compile(build);
  return templateOf(compiled, compiled.resources[0]);
}

const configMap = (scope: Construct, ctx: BuildContext, data: Record<string, unknown>) =>
  new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ctx.name('cm') }, data });

describe('value expressions', () => {
  it('writes integers through int64 without quotes', () => {
    const t = onlyTemplate((s, vals, ctx) => new ApiObject(s, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: ctx.name() }, spec: { replicas: ex.num(vals.replicas) } }));
    expect(t).toContain('replicas: {{ $.Values.replicas | int64 }}');
  });

  it('writes strings, booleans and floats through toJson', () => {
    const t = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { a: vals.name, b: ex.bool(vals.on), c: vals.ratio }));
    expect(t).toContain('a: {{ $.Values.name | toJson }}');
    expect(t).toContain('b: {{ $.Values.on | toJson }}');
    expect(t).toContain('c: {{ $.Values.ratio | toJson }}');
  });

  it('writes maps and lists with toYaml | nindent at the column of their key', () => {
    const t = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { nested: { deeper: vals.tags } }));
    expect(t).toContain('  nested:\n    deeper:\n      {{- toYaml $.Values.tags | nindent 6 }}');
  });

  it('wraps a conditional key in if/end', () => {
    const t = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { k: ex.when(vals.on, 'yes') }));
    expect(t).toMatch(/\{\{- if \$\.Values\.on \}\}\n {2}k: "yes"\n {2}\{\{- end \}\}/);
  });

  it('renders an object whose keys are all conditional as {} when none holds', () => {
    const compiled = compile((s, vals, ctx) => configMap(s, ctx, { k: ex.when(vals.on, 'yes') }));
    expect(templateOf(compiled, compiled.resources[0])).toContain('data: {}');
    expect(renderConcrete(compiled, { on: false })[0].data).toEqual({});
  });

  it('emits one list item per entry with range over the list value', () => {
    const t = onlyTemplate((s, vals, ctx) => new ApiObject(s, 'np', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: ctx.name() },
      spec: { ingress: [{ ports: [ex.each(vals.ports, (p) => ({ port: ex.num(p) }))] }] },
    }));
    expect(t).toMatch(/\{\{- range \$k\d+, \$v\d+ := \$\.Values\.ports \}\}\n\s+- port: \{\{ \$v\d+ \| int64 \}\}/);
  });

  it('closes a document that ends in a block so Helm cannot trim its trailing newlines', () => {
    const t = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { z: vals.tags }));
    expect(t.trimEnd().split('\n').pop()).toMatch(/^# end of document/);
    const plain = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { z: vals.name }));
    expect(plain).not.toContain('# end of document');
  });

  it('writes a list whose filtered loop drops every entry as [], in helm and in the concrete render', async () => {
    const compiled = compile((s, vals, ctx) => new ApiObject(s, 'np', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: ctx.name() },
      spec: { podSelector: {}, ingress: [{ ports: [ex.each(vals.ports, (p) => ex.when(ex.gt(p, 1000), { port: ex.num(p) }))] }] },
    }));
    const values = { ports: [80, 443] };
    const portsOf = (objects: Record<string, unknown>[]) => (objects[0].spec as { ingress: { ports: unknown }[] }).ingress[0].ports;
    expect(portsOf(renderConcrete(compiled, values))).toEqual([]);
    const chartDir = writeTree(tempDir(), chartFiles(compiled));
    for (const major of HELM_MAJORS) {
      const helm = await helmTemplate(major, chartDir, values);
      if (!helm.ok) throw new Error(helm.error);
      expect(portsOf(helm.objects)).toEqual([]);
      const kept = await helmTemplate(major, chartDir, { ports: [80, 8080] });
      if (!kept.ok) throw new Error(kept.error);
      expect(portsOf(kept.objects)).toEqual([{ port: 8080 }]);
    }
  });

  it('escapes literal {{ in data so Helm prints it verbatim', () => {
    const t = onlyTemplate((s, _vals, ctx) => configMap(s, ctx, { tpl: 'a {{ .Values.x }} b' }));
    expect(t).toContain('tpl: a {{ "{{" }} .Values.x }} b');
  });

  it('coerces integer operands of comparisons to int64, as Helm reads numbers as float64', () => {
    const t = onlyTemplate((s, vals, ctx) => configMap(s, ctx, { many: ex.toString(ex.gt(vals.replicas, 1)) }));
    expect(t).toContain('(gt (int64 $.Values.replicas) 1)');
  });

  it('passes required messages to Helm and fails the concrete render with the same message', () => {
    const compiled = compile((s, vals, ctx) => configMap(s, ctx, { n: ex.required(ex.default(vals.name, ''), 'name must not be empty') }));
    expect(templateOf(compiled, compiled.resources[0])).toContain('(required "name must not be empty"');
    expect(() => renderConcrete(compiled, { name: '' })).toThrow('name must not be empty');
  });

  it('uses $ for values and loop variables inside range, never the rebound dot', () => {
    const compiled = compile((s, vals, ctx) => ctx.each(s, 'per-tag', vals.tags, (scope, tag, key) => configMap(scope, ctx, { key, value: tag })));
    const t = templateOf(compiled, compiled.resources[0]);
    expect(t).not.toMatch(/\{\{[^}]*\s\.Values/);
    expect(t).toMatch(/\{\{- range \$k\d+, \$v\d+ := \$\.Values\.tags \}\}/);
  });
});

describe('optional keys of map items', () => {
  const withTls = v.object({
    sites: v.map(v.object({
      tls: v.optional(v.object({ enabled: v.boolean({ description: 'TLS on.', default: true }) }, { description: 'TLS.' })),
    }, { description: 'A site.' }), { description: 'Sites.', default: {} }),
  }, { description: 'Values.' });

  it('read an absent optional object as its children\'s defaults, in helm and in the concrete render', async () => {
    const pkg = definePackage({
      name: 'sites', version: '1.0.0', kind: 'module', category: 'Test', description: 'Optional objects in map items.',
      icon: 'icon.svg', keywords: ['t'], maintainers: [{ name: 't' }], appVersion: '1', kubeVersion: '>=1.29.0-0', images: [],
      values: withTls,
      build(scope, vals, ctx) {
        ctx.each(scope, 'site', vals.sites, (s, site, key) => configMap(s, ctx, { site: key, tls: ex.toString(site.tls.enabled) }));
      },
    });
    const compiled = compilePackage(pkg);
    const values = { sites: { a: {}, b: { tls: { enabled: false } } } };
    const tlsOf = (objects: Record<string, unknown>[]) => objects.map((o) => (o.data as { tls: string }).tls).sort();
    expect(tlsOf(renderConcrete(compiled, values))).toEqual(['false', 'true']);
    const helm = await helmTemplate(4, writeTree(tempDir(), chartFiles(compiled)), values);
    if (!helm.ok) throw new Error(helm.error);
    expect(tlsOf(helm.objects)).toEqual(['false', 'true']);
  });
});

describe('resources', () => {
  it('creates a resource only when its condition holds', () => {
    const compiled = compile((s, vals, ctx) => ctx.if(s, 'maybe', vals.on, (scope) => configMap(scope, ctx, {})));
    expect(templateOf(compiled, compiled.resources[0])).toMatch(/^\{\{- \/\*.*\*\/ -\}\}\n\{\{- if \$\.Values\.on \}\}\n---/);
    expect(renderConcrete(compiled, { on: false })).toHaveLength(0);
    expect(renderConcrete(compiled, {})).toHaveLength(1);
  });

  it('creates one resource per map entry, named from the key', () => {
    const compiled = compile((s, vals, ctx) => ctx.each(s, 'per-tag', vals.tags, (scope, _tag, key) =>
      new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ctx.name('tag', key) } })));
    const objects = renderConcrete(compiled, { tags: { b: '1', a: '2' } }, { name: 'rel' });
    expect(objects.map((o) => (o.metadata as { name: string }).name)).toEqual(['rel-demo-tag-a', 'rel-demo-tag-b']);
  });

  it('puts every object in the release namespace with the standard labels', () => {
    const compiled = compile((s, _vals, ctx) => configMap(s, ctx, {}));
    const [cm] = renderConcrete(compiled, {}, { name: 'r1', namespace: 'tenant' });
    expect(cm.metadata).toMatchObject({
      namespace: 'tenant',
      labels: {
        'app.kubernetes.io/name': 'demo',
        'app.kubernetes.io/instance': 'r1',
        'app.kubernetes.io/version': '1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/part-of': 'hearth',
        'helm.sh/chart': 'demo-1.0.0',
      },
    });
  });

  it('refuses an object with a fixed name, naming the object', () => {
    expect(() => compile((s) => new ApiObject(s, 'fixed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'static' } })))
      .toThrow(CompileError);
    expect(() => compile((s) => new ApiObject(s, 'fixed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'static' } })))
      .toThrow(/ConfigMap 'fixed'.*fixed name 'static'.*ctx\.name/);
  });

  it('refuses a hard-coded namespace', () => {
    expect(() => compile((s, _v, ctx) => new ApiObject(s, 'ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ctx.name(), namespace: 'kube-system' } })))
      .toThrow(/metadata\.namespace/);
  });

  it('uses only lookup inside the stable-password helper', () => {
    const compiled = compile((s, _v, ctx) => configMap(s, ctx, { p: ctx.stablePassword(ctx.name('x'), 'password') }));
    const files = chartFiles(compiled);
    const withLookup = Object.entries(files).filter(([, c]) => c.includes('lookup')).map(([p]) => p);
    expect(withLookup).toEqual(['templates/_helpers.tpl']);
    expect(files['templates/_helpers.tpl'].match(/lookup /g)).toHaveLength(1);
    expect(Object.values(files).some((c) => /\btpl\b/.test(c.replace(/_helpers\.tpl/g, '')))).toBe(false);
  });
});

describe('names', () => {
  it('keeps names up to 63 characters as they are', () => {
    expect(fitName('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('shortens longer names to 63 characters, keeping them distinct with a hash', () => {
    const a = fitName(`${'a'.repeat(60)}-one`);
    const b = fitName(`${'a'.repeat(60)}-two`);
    expect(a).toHaveLength(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('package definitions', () => {
  it('reports every metadata problem at once with the bad value', () => {
    let error: unknown;
    try {
      definePackage({
        name: 'Bad_Name', version: '1.0', kind: 'app', category: 'PaaS', description: 'A package with problems.', icon: 'icon.png',
        keywords: [], maintainers: [{ name: 'm' }], appVersion: '1', kubeVersion: 'not a range', images: [{ name: 'x', image: 'nginx:latest' }],
        values, build: () => undefined,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PackageError);
    const problems = (error as PackageError).problems.join('\n');
    expect(problems).toMatch(/name: .*"Bad_Name"/);
    expect(problems).toMatch(/version: .*"1\.0"/);
    expect(problems).toMatch(/icon: .*"icon\.png"/);
    expect(problems).toMatch(/keywords/);
    expect(problems).toMatch(/kubeVersion: .*"not a range"/);
    expect(problems).toMatch(/images\[0\]: .*latest/);
  });

  it('refuses a values leaf without a default', () => {
    const bad = v.object({ x: { type: 'string', description: 'no default' } as never }, { description: 'bad' });
    expect(() => definePackage({
      name: 'bad', version: '1.0.0', kind: 'app', category: 'PaaS', description: 'A package with problems.', icon: 'icon.svg',
      keywords: ['k'], maintainers: [{ name: 'm' }], appVersion: '1', kubeVersion: '>=1.29.0-0', images: [], values: bad, build: () => undefined,
    })).toThrow(/values\.x: has no 'default'/);
  });
});
