/**
 * Failing status reads, 30 % of them: 20 seeded batches of 10 images, every task completes
 * (the rest of the story, and why: unifically.readFaults.test.cts).
 */
import { describeSeededBatches } from './support/readFaults.cjs';

// the faults happened: about 30 % of at least 200 reads
describeSeededBatches(0.3, 40, '30 % of status reads failing (500 JSON, 502 HTML, dropped): 20 seeded batches, every task completes');
