/** The queue-mode cluster moved to harness/n8n/queue.cts (the benchmark uses it too); kept here for the e2e suites. */
export * from '../../../harness/n8n/queue.cjs';
