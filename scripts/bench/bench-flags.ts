// `--name=N` options of the bench scripts: whole numbers of at least 1, or the fallback.
export function positiveIntFlag(argv: readonly string[], name: string, fallback: number): number {
  const raw = argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be >= 1`);
  return value;
}
