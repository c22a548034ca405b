import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CancelSignal } from '../../shared/transport';
import { uploadBinary, type UploadedFile } from '../../shared/transport/upload';
import type { TaskRequest } from './input';

/**
 * Uploads the binary fields a request names (each field once, even if two inputs name it) and
 * returns the request with their URLs in place of the placeholders. A failed upload throws an error
 * naming the item and the field: the caller creates nothing for that item.
 */
export async function withUploadedFiles(context: IExecuteFunctions, request: TaskRequest, cancel?: CancelSignal): Promise<TaskRequest> {
	if (!request.files?.length) return request;
	const uploads = new Map<string, Promise<UploadedFile>>();
	const input: IDataObject = { ...request.input };
	await Promise.all(
		request.files.map(async (file) => {
			let upload = uploads.get(file.field);
			if (!upload) {
				upload = uploadBinary(context, request.itemIndex, file.field, { cancel, parameter: file.parameter });
				uploads.set(file.field, upload);
			}
			const uploaded = await upload;
			if (file.position === undefined) {
				input[file.key] = uploaded.file_url;
			} else {
				const list = [...(input[file.key] as string[])];
				list[file.position] = uploaded.file_url;
				input[file.key] = list;
			}
		}),
	);
	return { ...request, input, files: undefined };
}
