/**
 * Just enough of DBML to check docs/db against the live schema: tables with their columns (type,
 * pk / not null / unique settings), named indexes and Ref lines. Not a general DBML parser.
 */
export interface DbmlColumn {
  name: string;
  type: string;
  pk: boolean;
  notNull: boolean;
  unique: boolean;
}

export interface DbmlIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface DbmlTable {
  name: string;
  columns: DbmlColumn[];
  indexes: DbmlIndex[];
}

export interface DbmlDocument {
  tables: DbmlTable[];
  /** 'table.column > table.column' */
  refs: string[];
}

const settingsOf = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim());

export function parseDbml(source: string): DbmlDocument {
  const tables: DbmlTable[] = [];
  const refs: string[] = [];
  let table: DbmlTable | undefined;
  let inIndexes = false;
  for (const raw of source.split('\n')) {
    const line = raw.replace(/\s+\/\/.*$/, '').trimEnd();
    const tableStart = line.match(/^Table (\w+)\b.*\{$/);
    if (tableStart) {
      table = { name: tableStart[1]!, columns: [], indexes: [] };
      tables.push(table);
      continue;
    }
    const ref = line.match(/^Ref:\s*(\w+\.\w+)\s*>\s*(\w+\.\w+)/);
    if (ref) refs.push(`${ref[1]} > ${ref[2]}`);
    if (!table) continue;
    if (/^\s*indexes \{$/.test(line)) {
      inIndexes = true;
      continue;
    }
    if (/^\s*\}$/.test(line)) {
      if (inIndexes) inIndexes = false;
      else table = undefined;
      continue;
    }
    if (inIndexes) {
      const index = line.match(/^\s*(\([^)]*\)|\w+)\s*\[(.*)\]$/);
      if (index) {
        const settings = settingsOf(index[2]);
        table.indexes.push({
          name: settings.find((s) => s.startsWith('name:'))!.replace(/^name:\s*'(.*)'$/, '$1'),
          columns: index[1]!
            .replace(/[()]/g, '')
            .split(',')
            .map((c) => c.trim()),
          unique: settings.includes('unique'),
        });
      }
      continue;
    }
    const column = line.match(/^\s+(\w+)\s+("[^"]+"|\S+)(?:\s*\[(.*)\])?$/);
    if (column && !/^\s+(Note|note):/.test(line)) {
      const settings = settingsOf(column[3]);
      table.columns.push({
        name: column[1]!,
        type: column[2]!.replace(/"/g, ''),
        pk: settings.includes('pk'),
        notNull: settings.includes('not null'),
        unique: settings.includes('unique'),
      });
    }
  }
  return { tables, refs };
}
