/**
 * Failing status reads, 50 % of them: 20 seeded batches of 10 images, every task completes
 * (the rest of the story, and why: unifically.readFaults.test.cts).
 */
import { describeSeededBatches } from './support/readFaults.cjs';

describeSeededBatches(0.5, 100, '50 % of status reads failing: 20 seeded batches, every task completes');
