/**
 * The engine harness's environment, set before anything from n8n-core is built: a throw-away n8n
 * user folder (removed after the Jest file, or when the process exits) and the settings n8n reads
 * from the environment. Every part of harness/engine imports this module first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';


// n8n reads its configuration from the environment when its services are first
// built, so point it at a throw-away user folder (it writes `.n8n/config` with an
// encryption key there) before anything from n8n-core is instantiated.
// Forced, not defaulted: a real n8n's folder (say, one an e2e suite set up) must
// never be touched, nor its encryption key mismatched.
export const HARNESS_ROOT = mkdtempSync(path.join(tmpdir(), 'n8n-unifically-harness-'));
process.env.N8N_USER_FOLDER = path.join(HARNESS_ROOT, 'user');
process.env.N8N_ENCRYPTION_KEY = 'n8n-nodes-unifically-test-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'silent'; // N8N_LOG_LEVEL=debug shows the engine's logs
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
const removeHarnessRoot = () => rmSync(HARNESS_ROOT, { recursive: true, force: true });
// Under Jest (one module registry, hence one harness, per test file) clean up after
// the file; elsewhere, when the process exits.
if (typeof afterAll === 'function') afterAll(removeHarnessRoot);
else process.on('exit', removeHarnessRoot);

/** The package's name: its node types are `<package>.<name>`. */
export const PACKAGE_NAME = 'n8n-nodes-unifically';
/** The repository (this file is in harness/engine/). */
export const REPO_ROOT = path.resolve(__dirname, '../..');
