/**
 * Failing status reads, 50 % of them: seeded batches 11–20 of 10 images, every task
 * completes (the rest of the story, and why: unifically.readFaults.test.cts).
 */
import { describeSeededBatches } from './support/readFaults.cjs';

// the faults happened: about 50 % of at least 100 reads
describeSeededBatches(0.5, [11, 20], 50, '50 % of status reads failing: seeded batches 11–20, every task completes');
