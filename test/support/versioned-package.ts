/**
 * A small stateful test package whose definition can be varied the ways a package evolves between
 * versions (a template edit, a key added or removed, an object renamed, an immutable field
 * changed), for the version-lock and upgrade-safety tests.
 */
import { ApiObject } from 'cdk8s';
import type { TProperties, TSchema } from '@sinclair/typebox';
import { definePackage, ex, v } from '../../constructs';
import type { PackageDefinition } from '../../constructs/package';
import type { LoadedPackage } from '../../scripts/lib/catalog';
import { buildPackage, type BuiltPackage } from '../../scripts/lib/build';

export interface Variant {
  /** @default '0.1.0' */
  readonly version?: string;
  /** Adds an annotation to the StatefulSet: a template-only change. @default false */
  readonly annotate?: boolean;
  /** Adds the key `annotations` (a map with a default). @default false */
  readonly addAnnotations?: boolean;
  /** Removes the key `external`. @default false */
  readonly dropExternal?: boolean;
  /** Limits `mode` to `a`. @default false */
  readonly narrowMode?: boolean;
  /** Names the ConfigMap `settings` instead of `config`. @default false */
  readonly renameConfig?: boolean;
  /** The StatefulSet's serviceName suffix. @default 'headless' */
  readonly serviceSuffix?: string;
  /** Default of the immutable `storageClass`. @default '' */
  readonly storageClassDefault?: string;
  /** Changes only the description of `replicas`. @default false */
  readonly redescribe?: boolean;
  /** The version is released: CHANGELOG.md has a dated section for it. @default true */
  readonly released?: boolean;
}

const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>';

function valuesOf(o: Variant) {
  const properties: Record<string, TSchema> = {
    replicas: v.integer({ description: o.redescribe ? 'How many database pods run.' : 'Database pods.', default: 1, minimum: 0, maximum: 5 }),
    size: v.quantity({ description: 'Volume size.', default: '1Gi' }),
    storageClass: v.string({ description: 'StorageClass; empty uses the default.', default: o.storageClassDefault ?? '', maxLength: 63, immutable: true }),
    mode: v.enum((o.narrowMode ? ['a'] : ['a', 'b']) as unknown as readonly [string, ...string[]], { description: 'Mode.', default: 'a' }),
  };
  if (!o.dropExternal) properties.external = v.boolean({ description: 'Expose a LoadBalancer Service.', default: false });
  if (o.addAnnotations) {
    properties.annotations = v.map(v.string({ description: 'Annotation value.', default: '', maxLength: 100 }), {
      description: 'Annotations of the StatefulSet.',
      default: {},
      keyPattern: '^[a-z0-9./-]{1,63}$',
    });
  }
  properties.users = v.map(
    v.object({ password: v.optional(v.string({ description: 'Password.', default: '', maxLength: 64 })) }, { description: 'A user.' }),
    { description: 'Users; one Secret each.', default: {} },
  );
  return v.object(properties as TProperties, { description: 'Versioned test values.' });
}

/** The package definition of a variant. */
export function versionedDefinition(o: Variant = {}): PackageDefinition {
  return definePackage({
    name: 'versioned',
    version: o.version ?? '0.1.0',
    kind: 'app',
    category: 'Test',
    description: 'A stateful package for version-lock tests.',
    icon: 'icon.svg',
    keywords: ['test'],
    maintainers: [{ name: 'hearth' }],
    appVersion: '1.0.0',
    kubeVersion: '>=1.29.0-0',
    images: [{ name: 'db', image: 'docker.io/library/busybox:1.37.0' }],
    values: valuesOf(o),
    // The schema varies per variant, so the values are untyped here.
    build(scope, values: any, ctx) {
      const serviceName = ctx.name(o.serviceSuffix ?? 'headless');
      new ApiObject(scope, 'headless', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: serviceName },
        spec: { clusterIP: 'None', selector: ctx.selectorLabels, ports: [{ name: 'db', port: 5432 }] },
      });
      new ApiObject(scope, 'db', {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: {
          name: ctx.name(),
          ...(o.annotate ? { annotations: { 'hearth.dev/note': 'edited' } } : {}),
        },
        spec: {
          replicas: ex.num(values.replicas),
          serviceName,
          selector: { matchLabels: ctx.selectorLabels },
          template: {
            metadata: { labels: ctx.selectorLabels },
            spec: { containers: [{ name: 'db', image: ctx.image('db'), args: [ex.str(values.mode)] }] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: ex.when(ex.ne(values.storageClass, ''), ex.str(values.storageClass)),
                resources: { requests: { storage: ex.str(values.size) } },
              },
            },
          ],
        },
      });
      new ApiObject(scope, 'config', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ctx.name(o.renameConfig ? 'settings' : 'config') },
        data: { mode: values.mode },
      });
      if (!o.dropExternal) {
        ctx.if(scope, 'external', values.external, (s) => {
          new ApiObject(s, 'service', {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: ctx.name('external') },
            spec: { type: 'LoadBalancer', selector: ctx.selectorLabels, ports: [{ name: 'db', port: 5432 }] },
          });
        });
      }
      ctx.each(scope, 'users', values.users, (s, _user, name) => {
        new ApiObject(s, 'secret', {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: ctx.name('user', name) },
          type: 'Opaque',
          stringData: { username: name.toString() },
        });
      });
    },
  });
}

/** A variant as a loaded catalog package. */
export function versionedPackage(o: Variant = {}): LoadedPackage {
  const version = o.version ?? '0.1.0';
  const changelog = `# Changelog\n\n## [${version}]${o.released === false ? '' : ' - 2026-01-01'}\n\n### Changed\n\n- Version ${version}.\n`;
  return { dir: 'catalog/versioned', pkg: versionedDefinition(o), icon: ICON, assets: { changelog } };
}

/** A variant compiled into its chart files. */
export function versionedBuild(o: Variant = {}): BuiltPackage {
  return buildPackage(versionedPackage(o));
}
