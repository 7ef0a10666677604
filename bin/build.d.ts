// The types of build.js, plain JavaScript (bin/hashforge.js runs it before anything is compiled),
// for the TypeScript that imports it (the benches).
import type { BuildOptions } from 'esbuild';

export const ROOT: string;
export const DIST: string;
export const COMPILE: BuildOptions;
export function ensureBuilt(): Promise<boolean>;
