import { operation as account } from './account.operation';
import { operation as create } from './create.operation';
import { operation as estimateCost } from './estimateCost.operation';
import { operation as generate } from './generate.operation';
import { operation as get } from './get.operation';
import type { Operation } from './operation';
import { operation as upload } from './upload.operation';
import { operation as wait } from './wait.operation';

/**
 * Every operation of the node, one file each (see `./operation`). The router, the Operation
 * dropdowns, the form and the tool variant are derived from this list; its order is the form's.
 */
export const OPERATIONS: readonly Operation[] = [generate, create, estimateCost, get, wait, upload, account];

/** The operations a resource offers. */
export const operationsOf = (resource: string) => OPERATIONS.filter((operation) => operation.resources.includes(resource));

/** The operations whose form is a model's. */
export const MODEL_OPERATIONS = OPERATIONS.filter((operation) => operation.usesModel).map((operation) => operation.value);
