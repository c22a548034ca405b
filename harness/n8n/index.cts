/**
 * Driving a real n8n (the one `scripts/ensure-n8n.sh` installs into `.cache/n8n`, or another
 * version into `.cache/n8n-<version>`) run headless against this package, installed from its `npm
 * pack` tarball the way a user gets it. Used by the end-to-end tests (test/e2e) and the benchmark
 * (bench/scenarios/memoryN8n.cts); everything is exported from here.
 *
 *   const tgz = await packPackage();                 // npm run build + npm pack (cached by content)
 *   const n8n = await N8n.create({ tarball: tgz });  // fresh N8N_USER_FOLDER, tarball installed
 *   const cred = await n8n.importUnificallyCredential({ baseUrl: sim.url });
 *   const id = await n8n.importWorkflow(loadExample('estimate-cost'));
 *   const result = await n8n.execute(id);            // `n8n execute --id … --rawOutput`, parsed
 *   expect(nodeJson(result.run, 'Estimate Cost')).toEqual([...]);
 *   await n8n.start(); await n8n.waitForWebhooks(triggerId); ...; await n8n.restart();
 *   await n8n.dispose();
 *
 * Other n8n versions (the compatibility suite): `await ensureN8n('1.123.81')`, then
 * `N8n.create({ version: '1.123.81', tarball })`. What differs between n8n versions in driving n8n
 * (CLI commands) is handled in the `N8n` class, never in the tests.
 *
 * Everything runs on 127.0.0.1 with free ports (never 5678). Set E2E_KEEP=1 to keep the temporary
 * user folders for inspection, E2E_REBUILD=1 to force `npm run build` + `npm pack`.
 *
 * The parts: ./paths.cts (where things are, versions), ./process.cts (commands, waiting, ports and
 * `N8nProcess`), ./install.cts (n8n installs, the packed package), ./workflows.cts (workflow and
 * credential JSON), ./runData.cts (reading execution results), ./queue.cts (a queue-mode cluster: Postgres, Redis,
 * main, workers, webhook process), ./database.cts (n8n's SQLite
 * database and binary data), ./n8n.cts (the `N8n` class).
 */
export * from './database.cjs';
export * from './install.cjs';
export * from './n8n.cjs';
export * from './paths.cjs';
export * from './process.cjs';
export * from './queue.cjs';
export * from './runData.cjs';
export * from './workflows.cjs';
