/**
 * Failing status reads, 30 % of them: seeded batches 11–20 of 10 images, every task
 * completes (the rest of the story, and why: unifically.readFaults.test.cts).
 */
import { describeSeededBatches } from './support/readFaults.cjs';

// the faults happened: about 30 % of at least 100 reads
describeSeededBatches(0.3, [11, 20], 20, '30 % of status reads failing (500 JSON, 502 HTML, dropped): seeded batches 11–20, every task completes');
