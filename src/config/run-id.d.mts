/** The generated run id, `<metadata.name>-<UTC yyyymmdd-hhmmss>` in lower case. */
export function generatedRunId(name: string, now: Date): string;
