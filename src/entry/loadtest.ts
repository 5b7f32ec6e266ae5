// The config-driven load test of an AI-AAS platform (or any OpenAI-compatible endpoint):
//   npm run build && npm run k6 -- run -e CONFIG=configs/demo.yaml dist/loadtest.js
// Env: CONFIG (required), RUN_ID, API_ROUTER_URL / USER_ORG_URL (override the config's targets),
// the admin credentials named by spec.platform (AIAAS_ADMIN_EMAIL / AIAAS_ADMIN_PASSWORD by default),
// LOADTEST_REQUEST_LOG=1 (one JSON line per request on the console, without keys).
import { loadLibraries } from '../runtime/open-documents';
import { cleanupRun, provisionRun, type SetupData } from '../runtime/lifecycle';
import { checkRevocation } from '../runtime/revocation';
import { buildOptions } from '../runtime/k6-options';
import { reports } from '../runtime/handle-summary';
import { loadRun } from '../runtime/run';
import type { K6SummaryData } from '../report/k6-data';
import { runIteration, vuState } from '../runtime/vu-loop';

const run = loadRun();
const vu = vuState(run, loadLibraries(run));

export const options = buildOptions(run);

/** Provisions this instance's share of orgs, users and keys. */
export function setup(): SetupData {
  return provisionRun(run);
}

/** One user session (or one request in an open-loop run). */
export default function session(data: SetupData): void {
  runIteration(vu, data);
}

/** Revokes keys and suspends users and orgs, per the cleanup policy, then checks the revoked keys are refused; runs after an abort too. */
export function teardown(data: SetupData): void {
  const revokedFromMs = Date.now();
  if (cleanupRun(run, data)) checkRevocation(run, data, revokedFromMs);
}

/** Writes the text summary and results/<run id>/{summary.json, junit.xml, report.html}. */
export function handleSummary(data: K6SummaryData): Record<string, string> {
  return reports(run, data);
}
