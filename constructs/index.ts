/** hearth's library: the package contract, the values model, expressions and the compiler. */
export { definePackage, PackageError, type PackageDefinition, type PackageProps, type PackageKind } from './package';
export { v, Type, type Static, QUANTITY_PATTERN, DNS_LABEL_PATTERN } from './values/schema';
export { ex, Expr, type Operand } from './expr/expr';
export type { Ref } from './expr/refs';
export { BuildContext, GENERATED_KEYS_ANNOTATION, type Labels } from './compiler/context';
export { compilePackage, declareClusterScoped, type CompiledPackage } from './compiler/compile';
export { chartFiles, type PackageAssets } from './compiler/chart-files';
export { renderConcrete, mergeValues, type ReleaseOptions } from './compiler/render';
export { CompileError } from './compiler/tree';
export { RenderFailure } from './expr/functions';
export { ValuesError } from './values/validate';
