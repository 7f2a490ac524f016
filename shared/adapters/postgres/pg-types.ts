// How node-postgres turns column values into JavaScript: int8 as bigint, numeric as string,
// so no float ever leaves the database. Every pool of the process and of the tests uses it.
import { types } from 'pg';

export const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8) return (value: string) => BigInt(value);
    if (oid === types.builtins.NUMERIC) return (value: string) => value;
    return types.getTypeParser(oid, format);
  },
} as const;
