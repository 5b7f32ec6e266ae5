import { join } from 'node:path';
import { repoRoot } from './k6';

/** The k6-operator's TestRun CRD (v1.6.0), vendored unedited with its notice in deploy/k8s/k6-operator/. */
export const crdPath = join(repoRoot, 'deploy', 'k8s', 'k6-operator', 'k6.io_testruns.yaml');
