import { audioModels } from './models/audio.cjs';
import { imageModels } from './models/image.cjs';
import type { SimModel } from './modelTypes.cjs';
import { videoModels } from './models/video.cjs';

export type * from './modelTypes.cjs';

/**
 * Every model the simulator serves, in the API doc's order: the simulator's own reading of
 * docs/unifically-tasks-api.txt (and, for the ids it lists without inputs, of the public pages
 * docs/api-doc-differences.md names). Nothing here comes from the node's catalog.
 */
export const SIM_MODELS: readonly SimModel[] = [...videoModels, ...imageModels, ...audioModels];
