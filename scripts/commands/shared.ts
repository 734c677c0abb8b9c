/** Option helpers shared by the command modules. */

/** Options of the root `hearth` command. */
export interface GlobalOptions {
  readonly catalog: string;
}

/** Collects a repeatable option into a list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
