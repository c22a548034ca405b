/** The media resources share their operations; `task` works on existing tasks by id. */
export const MEDIA_RESOURCES = ['video', 'image', 'audio'];
