// The config-driven load test of an AI-AAS platform (or any OpenAI-compatible endpoint):
//   npm run build && npm run k6 -- run -e CONFIG=configs/demo.yaml dist/loadtest.js
// Env: CONFIG (required), RUN_ID, API_ROUTER_URL / USER_ORG_URL (override the config's targets),
// the admin credentials named by spec.platform (AIAAS_ADMIN_EMAIL / AIAAS_ADMIN_PASSWORD by default),
// LOADTEST_REQUEST_LOG=1 (one JSON line per request on the console, without keys).
import { loadLibraries } from '../lib/documents-k6';
import { cleanupRun, provisionRun, type SetupData } from '../lib/lifecycle';
import { buildOptions } from '../lib/options';
import { reports } from '../lib/report';
import { loadRun } from '../lib/run';
import type { K6SummaryData } from '../lib/summary/k6-data';
import { runIteration, vuState } from '../lib/users';

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

/** Revokes keys and suspends users and orgs, per the cleanup policy; runs after an abort too. */
export function teardown(data: SetupData): void {
  cleanupRun(run, data);
}

/** Writes the text summary and results/<run id>/{summary.json, junit.xml, report.html}. */
export function handleSummary(data: K6SummaryData): Record<string, string> {
  return reports(run, data);
}
