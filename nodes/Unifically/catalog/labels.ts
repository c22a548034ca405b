/** Words for documented choices that several models share (the API value stays the option's value). */
const ASPECT_RATIO_WORDS: Record<string, string> = {
	'16:9': '16:9 (Landscape, YouTube)',
	'9:16': '9:16 (Portrait, Shorts / Reels / TikTok)',
	'1:1': '1:1 (Square)',
	'4:3': '4:3 (Classic Landscape)',
	'3:4': '3:4 (Classic Portrait)',
	'3:2': '3:2 (Photo Landscape)',
	'2:3': '2:3 (Photo Portrait)',
	'4:5': '4:5 (Instagram Portrait)',
	'5:4': '5:4 (Landscape)',
	'21:9': '21:9 (Cinematic Widescreen)',
	auto: 'Auto (From the Input)',
};

/** Labels for these aspect ratio choices. */
export function aspectRatioLabels(options: string[]): Record<string, string> {
	return Object.fromEntries(options.filter((option) => ASPECT_RATIO_WORDS[option]).map((option) => [option, ASPECT_RATIO_WORDS[option]]));
}

/** The tooltip of an aspect ratio input: what it does, not the list of choices the dropdown shows. */
export const ASPECT_RATIO_DESCRIPTION = 'Shape of the output frame';
