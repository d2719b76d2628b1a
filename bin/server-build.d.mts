// Types of bin/server-build.mjs (plain JavaScript: bin/centralita.mjs runs it before any TypeScript can be loaded).
export interface ServerBuild {
  dir: string;
  key: string;
  /** The file URL of a source file's bundle (its path from the root, e.g. 'app/cli/main.ts'); undefined when not built. */
  entry(source: string): string | undefined;
}
export interface BuildOptions {
  force?: boolean;
  root?: string;
  entries?: Record<string, string>;
  builderFiles?: string[];
}
export const ROOT: string;
export const ENTRIES: Record<string, string>;
export function currentBuild(o?: { root?: string }): ServerBuild | null;
export function buildServer(o?: BuildOptions): Promise<ServerBuild & { built: boolean }>;
