/**
 * Values every managed service shares, named as on the platform our users come from (`replicas`,
 * `size`, `storageClass`, `external`, `version`, ...), plus the two map shapes the services need:
 * user-named maps whose keys become object names, and free-form server settings.
 */
import { Type } from '@sinclair/typebox';
import { defaultsOf } from '../values/derive';
import { DNS_LABEL_PATTERN, toPlainSchema, v, type Static, type TSchema } from '../values/schema';

/** `replicas`: pods of the service. */
export function replicasValue(description: string, defaultValue: number, minimum: number, maximum: number) {
  return v.integer({ description, default: defaultValue, minimum, maximum });
}

/** `size`: the persistent volume of each pod. */
export function sizeValue(what: string, defaultValue: string) {
  return v.quantity({ description: `Size of the persistent volume of each ${what} pod.`, default: defaultValue });
}

/** `storageClass`: fixed at install (volumes cannot move between classes). */
export function storageClassValue() {
  return v.string({
    description: 'StorageClass of the volumes; empty uses the cluster default. Cannot change after installation.',
    default: '',
    maxLength: 253,
    pattern: '^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
    optionsFrom: 'storageClasses',
    immutable: true,
  });
}

/** `external`: a LoadBalancer Service in front of the service. */
export function externalValue(what: string) {
  return v.boolean({ description: `Expose ${what} outside the cluster through a LoadBalancer Service.`, default: false });
}

/** `monitoring`: scrape targets for the platform's Prometheus or VictoriaMetrics operator. */
export function monitoringValue(what: string) {
  return v.boolean({
    description: `Create a PodMonitor and a VMPodScrape for ${what}'s metrics (needs the monitoring operators' CRDs).`,
    default: false,
  });
}

/** Builds a DNS-label pattern of at most `maxLength` characters (1..63). */
export function dnsLabelPattern(maxLength: number): string {
  if (maxLength === 63) return DNS_LABEL_PATTERN;
  if (maxLength < 2 || maxLength > 63) throw new Error(`dnsLabelPattern: maxLength must be 2..63 (got ${maxLength})`);
  return `^[a-z0-9]([-a-z0-9]{0,${maxLength - 2}}[a-z0-9])?$`;
}

/**
 * What the keys of a user-named map may be: `pattern` admits exactly the valid keys, and every
 * invalid key matches at least one of `refused` (and no valid key matches any). The refused
 * patterns exist for Helm 4, which reports a `propertyNames` failure without the map's path: a
 * key matching a `patternProperties` pattern whose schema is `false` is reported at its own path
 * by ajv, Helm 3 and Helm 4 alike.
 */
export interface KeyGrammar {
  readonly pattern: string;
  readonly refused: readonly string[];
  /** Said in messages and docs. */
  readonly description: string;
}

/** Keys that are DNS labels of at most `maxLength` characters (they become parts of object names). */
export function dnsLabelKeys(maxLength = 63): KeyGrammar {
  return {
    pattern: dnsLabelPattern(maxLength),
    refused: ['^$', '[^-a-z0-9]', '^-', '-$', `^.{${maxLength + 1},}$`],
    description: `lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
  };
}

/** Keys that are PostgreSQL-style setting names: `name` or `extension.name`, lower case, at most 63 characters. */
export function settingNameKeys(): KeyGrammar {
  return {
    pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$',
    refused: ['^$', '[^a-z0-9_.]', '^[^a-z]', '\\.[^a-z]', '\\.$', '\\..*\\.', '^.{64,}$'],
    description: 'lower-case letters, digits and _, optionally prefixed by an extension name and a dot, at most 63 characters',
  };
}

export interface NamedMapOptions<T> {
  readonly description: string;
  /** @default {} */
  readonly default?: Record<string, T>;
  /**
   * What the keys may be.
   * @default dnsLabelKeys(63)
   */
  readonly keys?: KeyGrammar;
  /**
   * Keys that are refused although they match the pattern (names the operator owns, settings that
   * would run commands).
   * @default []
   */
  readonly reservedKeys?: readonly string[];
  /**
   * Why the reserved keys are refused (the description of each refused key in the schema).
   * @default 'reserved'
   */
  readonly reservedReason?: string;
  /** @default - unlimited */
  readonly maxProperties?: number;
  /** Hidden from the basic form. @default false */
  readonly advanced?: boolean;
}

/**
 * A map from user-chosen names to items of one schema (like `v.map`), which can also refuse
 * reserved names. A reserved name is a property whose schema never validates (`not: {}`) rather
 * than a `propertyNames` exclusion: Helm 4 reports `propertyNames` failures without the map's
 * path, while a failing property is reported at its own path by ajv, Helm 3 and Helm 4.
 */
export function namedMap<T extends TSchema>(item: T, o: NamedMapOptions<Static<T>>) {
  const reserved = o.reservedKeys ?? [];
  const keys = o.keys ?? dnsLabelKeys();
  return Type.Unsafe<Record<string, Static<T>>>({
    type: 'object',
    description: `${o.description} Names: ${keys.description}.`,
    default: o.default ?? {},
    ...(o.advanced ? { 'x-hearth-advanced': true } : {}),
    propertyNames: { pattern: keys.pattern },
    ...(reserved.length
      ? { properties: Object.fromEntries(reserved.map((key) => [key, { description: `Refused: ${o.reservedReason ?? 'reserved'}.`, not: {} }])) }
      : {}),
    patternProperties: Object.fromEntries(keys.refused.map((pattern) => [pattern, false])),
    additionalProperties: item,
    ...(o.maxProperties !== undefined ? { maxProperties: o.maxProperties } : {}),
    'x-hearth-map': true,
  });
}

/**
 * A server setting whose value may be written as a string or as an integer (`max_connections: 100`
 * and `max_connections: "100"` both install), as the platform our users come from accepts.
 */
export function stringOrIntegerValue(description: string) {
  return Type.Unsafe<string | number>({
    type: ['string', 'integer'],
    description,
    default: '',
    maxLength: 1024,
    minimum: -2147483648,
    maximum: 2147483647,
  });
}

/** A list of names (users, extensions), each matching `pattern`. */
export function nameList(description: string, pattern: string, maxItems = 64) {
  return v.list(v.string({ description: 'A name.', default: '', pattern, maxLength: 63 }), {
    description,
    default: [],
    maxItems,
    uniqueItems: true,
  });
}

/**
 * An object that may be left out of a map or list item (wrap it in `v.optional`), with its
 * children's defaults written into the schema as its own `default`, so forms and docs show them.
 * (Value references fall back to the children's defaults either way: see `fallbackOf` in refs.ts.)
 */
export function optionalObject<T extends TSchema>(schema: T): T {
  return Object.assign(schema, { default: defaultsOf(toPlainSchema(schema)) });
}
