import { record } from '../metrics/record';
import { chatCompletionsUrl } from '../llm/chat/client';
import { preflightProbes } from '../platform/preflight';
import { probeRevokedKeys } from '../platform/revocation-probe-http';
import { sampleRevokedKeys } from '../platform/revocation-probe';
import type { SetupData } from './lifecycle';
import type { Run } from './run';

/**
 * teardown(), after cleanup revoked the keys from `fromMs` on: probes a sample of them until the router refuses
 * them (spec.cleanup.revocationProbe) and records what it found for the reports (llm_revoked_key_* gauges).
 */
export function checkRevocation(run: Run, data: SetupData, fromMs: number): void {
  const spec = run.config.spec;
  const cfg = spec.cleanup.revocationProbe;
  if (!cfg.enabled) return;
  const secrets = sampleRevokedKeys(data.provisioned.users, cfg.keys);
  if (secrets.length === 0) return;
  const model = preflightProbes(spec.testTypes, spec.models.default)[0]?.model ?? spec.models.default;
  const out = probeRevokedKeys({
    chatUrl: chatCompletionsUrl(spec.targets.apiRouterUrl),
    model,
    secrets,
    fromMs,
    maxSeconds: cfg.maxSeconds,
    intervalMs: cfg.intervalMs,
    timeoutMs: spec.targets.timeout * 1000,
  });
  record('llm_revoked_key_accepted_seconds', out.acceptedSec, {});
  record('llm_revoked_keys_still_accepted', out.stillAccepted, {});
  const found =
    out.acceptedSec === 0
      ? 'refused at once'
      : out.stillAccepted > 0
        ? `SECURITY: ${out.stillAccepted} still accepted ${out.acceptedSec} s after revocation, when the probe stopped`
        : `SECURITY: accepted for ${out.acceptedSec} s after revocation`;
  console.log(`[loadtest] revoked-key probe: ${out.probed} revoked key(s) ${found}`);
}
