import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A static `import`/`export … from` statement; group 2 is `type ` for type-only ones, 3 the specifier. */
export const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The specifiers a file imports at load time: type-only imports and `await import()` do not count. */
export function valueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const [, , typeOnly, specifier] = match;
    if (!typeOnly) found.push(specifier!);
  }
  return found;
}

/** Every project file loading `entry` loads, each with its value imports. */
export function reachableFiles(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const imports = valueImports(file);
    seen.set(file, imports);
    for (const specifier of imports) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
    }
  };
  visit(entry);
  return seen;
}
