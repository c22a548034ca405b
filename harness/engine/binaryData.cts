/**
 * Binary data in the engine harness: n8n-core's BinaryDataService (a container singleton), inline
 * or on disk in one store for the whole process.
 */
import './environment.cjs';

import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import type {
	IBinaryData,
	INodeExecutionData,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

import { HARNESS_ROOT } from './environment.cjs';

/** `default`: binary kept inline (base64). `filesystem`: written to a temp dir. */
export type BinaryDataMode = 'default' | 'filesystem';

const BINARY_STORE = path.join(HARNESS_ROOT, 'binary-data');

/**
 * n8n-core's BinaryDataService is a container singleton. One store directory is
 * used for the whole process (files are namespaced by workflow and execution id),
 * so results of earlier runs stay readable after the mode is switched.
 */
export async function useBinaryDataMode(mode: BinaryDataMode) {
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.availableModes = ['default', 'filesystem'];
	config.localStoragePath = BINARY_STORE;
	mkdirSync(BINARY_STORE, { recursive: true });
	const service = Container.get(BinaryDataService);
	await service.init();
	return service;
}

export function binaryDataOf(item: INodeExecutionData, prop: string): IBinaryData {
	const binary = item.binary?.[prop];
	if (!binary) {
		const available = Object.keys(item.binary ?? {}).join(', ') || 'none';
		throw new UnexpectedError(`Item has no binary property "${prop}" (available: ${available})`);
	}
	return binary;
}
