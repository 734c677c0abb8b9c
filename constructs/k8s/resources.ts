/**
 * Container resources from the shared app values `resources` {cpu, memory} and `resourcesPreset`:
 * explicit values win field by field, the preset fills what is empty. Requests for CPU and memory
 * and a memory limit; no CPU limit (throttling hurts latency more than it protects neighbours).
 */
import { ex, type Expr } from '../expr/expr';
import { v } from '../values/schema';

export const RESOURCES_PRESETS = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'] as const;
export type ResourcesPreset = (typeof RESOURCES_PRESETS)[number];

/** CPU request and memory request/limit of each preset. */
export const PRESET_TABLE: Readonly<Record<ResourcesPreset, { readonly cpu: string; readonly memory: string }>> = {
  nano: { cpu: '100m', memory: '128Mi' },
  micro: { cpu: '250m', memory: '256Mi' },
  small: { cpu: '500m', memory: '512Mi' },
  medium: { cpu: '500m', memory: '1Gi' },
  large: { cpu: '1', memory: '2Gi' },
  xlarge: { cpu: '2', memory: '4Gi' },
  '2xlarge': { cpu: '4', memory: '8Gi' },
};

/** The `resources` value: explicit CPU and memory; empty means "use the preset". */
export function resourcesValue(what: string) {
  return v.object(
    {
      cpu: v.quantity({ description: `CPU for ${what} (e.g. 500m); empty uses resourcesPreset.`, default: '', allowEmpty: true }),
      memory: v.quantity({ description: `Memory for ${what} (e.g. 1Gi); empty uses resourcesPreset.`, default: '', allowEmpty: true }),
    },
    { description: `Explicit resources for ${what}; empty fields fall back to resourcesPreset.` },
  );
}

/** The `resourcesPreset` value. */
export function resourcesPresetValue(what: string, preset: ResourcesPreset) {
  return v.enum(RESOURCES_PRESETS, {
    description: `Size of ${what} when resources are not set: ${RESOURCES_PRESETS.map((p) => `${p} (${PRESET_TABLE[p].cpu} CPU, ${PRESET_TABLE[p].memory})`).join(', ')}.`,
    default: preset,
  });
}

function presetColumn(column: 'cpu' | 'memory'): Record<string, string> {
  return Object.fromEntries(RESOURCES_PRESETS.map((p) => [p, PRESET_TABLE[p][column]]));
}

/** Container `resources` for the given values. */
export function containerResources(resources: { readonly cpu: Expr<string>; readonly memory: Expr<string> }, preset: Expr<string>) {
  const cpu = ex.default(resources.cpu, ex.index<string>(presetColumn('cpu'), preset, 'string'));
  const memory = ex.default(resources.memory, ex.index<string>(presetColumn('memory'), preset, 'string'));
  return {
    requests: { cpu: ex.str(cpu), memory: ex.str(memory) },
    limits: { memory: ex.str(memory) },
  };
}
