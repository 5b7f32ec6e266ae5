/**
 * The generated run id, `<metadata.name>-<UTC yyyymmdd-hhmmss>` in lower case: one definition for the k6 script
 * (src/runtime/run.ts) and the CLI that must know the id before k6 starts (tools/k6-args.ts), so both tag the same value.
 */
export function generatedRunId(name: string, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${name}-${t}`.toLowerCase();
}
