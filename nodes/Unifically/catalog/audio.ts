import type { CrossInputRule, InputSpec, ModelSpec } from './types';

/*
 * Audio models, in the API doc's order (docs/unifically-tasks-api.txt, "Audio Generation").
 */

// ---- small input builders ------------------------------------------------------------------

const text = (key: string, description: string, extra: Partial<InputSpec> = {}): InputSpec => ({
	key,
	type: 'string',
	description,
	...extra,
});

const seconds = (key: string, displayName: string, description: string): InputSpec => ({
	key,
	type: 'number',
	displayName,
	description,
	min: 0,
});

/** 0-100 integer sliders of Higgsfield TTS. */
const percent = (key: string, label: string, description: string, defaultValue: number): InputSpec => ({
	key,
	type: 'integer',
	displayName: `${label} (0–100)`,
	description: `${description}, 0-100 (default ${defaultValue})`,
	min: 0,
	max: 100,
	default: defaultValue,
});

// ---- Suno ----------------------------------------------------------------------------------

const sunoVersions = ['chirp-v3-5', 'chirp-v4', 'chirp-auk', 'chirp-bluejay', 'chirp-crow'];
/**
 * Suno's own names for the codes: the API doc orders the codes oldest to newest, Suno's music page names
 * the versions v3.5, v4, v4.5, v4.5+, v5 (and v5.5, `chirp-fenix`, which the API doc does not list).
 * docs/api-doc-differences.md: read from that order.
 */
const sunoVersionNames = {
	'chirp-v3-5': 'v3.5',
	'chirp-v4': 'v4',
	'chirp-auk': 'v4.5',
	'chirp-bluejay': 'v4.5+',
	'chirp-crow': 'v5 (Newest)',
};

/*
 * `custom` switches Suno between simple mode (a song description; Suno writes the lyrics) and custom
 * mode (your own lyrics in Prompt, style tags). Custom is the form's default so the shared Prompt
 * stays displayed, and keeps its value, when a user switches from another model to Suno.
 */
const customMode: InputSpec = {
	key: 'custom',
	type: 'boolean',
	required: true,
	displayName: 'Write Own Lyrics and Style',
	description:
		'On (custom mode): you give the lyrics in Prompt and the style in Tags. Off (simple mode): you describe the song and Suno writes the lyrics.',
	formDefault: true,
};
const customOnly = { shownWhen: { key: 'custom', in: [true] } };
const simpleOnly = { shownWhen: { key: 'custom', in: [false] } };

const sunoMusicInputs: InputSpec[] = [
	text('mv', 'Suno model version; the newest (v5, chirp-crow) is the default', {
		required: true,
		options: sunoVersions,
		optionLabels: sunoVersionNames,
		formDefault: 'chirp-crow',
		displayName: 'Model Version',
	}),
	customMode,
	// Simple mode's main input, required then. It shares the `prompt` field with custom mode's lyrics,
	// so switching the mode keeps the text; the mode decides the key it is sent as.
	text('gpt_description_prompt', 'What the song is about; Suno writes the lyrics (simple mode; sent as gpt_description_prompt)', {
		displayName: 'Song Description',
		placeholder: 'An upbeat pop song about a summer road trip',
		required: true,
		field: 'prompt',
		...simpleOnly,
	}),
	// Optional as the API documents it: an instrumental (Make Instrumental) needs no lyrics.
	text('prompt', 'The lyrics, or a detailed prompt (custom mode). Leave empty for an instrumental', {
		placeholder: '[Verse]\nWindows down, the sun is high…',
		...customOnly,
	}),
	text('tags', 'Genre and style tags (custom mode)', { placeholder: 'indie pop, female vocals, 120 bpm', ...customOnly }),
	text('title', 'Song title'),
	{ key: 'make_instrumental', type: 'boolean', description: 'Whether to generate an instrumental only' },
	text('negative_tags', 'Styles to avoid (custom mode)', { placeholder: 'heavy metal, screaming', ...customOnly }),
];

/*
 * The operations' table documents `mv` without listing its values (the Suno Music versions are
 * not necessarily the ones every operation accepts), so it is free text here.
 */
const sunoOperationInputs: InputSpec[] = [
	text('mv', 'Model version (e.g. chirp-v4)', { required: true, displayName: 'Model Version' }),
	text('clip_id', 'Existing clip ID. Required if no Audio URL is given'),
	text('audio_url', 'Audio file URL (alternative to Clip ID)', { url: true }),
	customMode,
	text('gpt_description_prompt', 'What the result should be; Suno writes the lyrics (simple mode; sent as gpt_description_prompt)', {
		displayName: 'Song Description',
		field: 'prompt',
		...simpleOnly,
	}),
	text('prompt', 'The lyrics, or a detailed prompt (custom mode)', customOnly),
	seconds('continue_at', 'Continue At (s)', 'Extend: time in seconds to continue from'),
	seconds('start_s', 'Start Time (s)', 'Start time in seconds for the overlay'),
	seconds('end_s', 'End Time (s)', 'End time in seconds for the overlay'),
];

const clipOrAudio: CrossInputRule = { kind: 'atLeastOneOf', keys: ['clip_id', 'audio_url'] };

const sunoStemsInputs: InputSpec[] = [
	text('clip_id', 'Clip ID to extract stems from (clip_ids in a Suno Music output)', { required: true }),
	text('title', 'Title for the extraction'),
];

// ---- ElevenLabs (public pages) ------------------------------------------------------------------

/* The API doc lists these ids only; the inputs are those of their public pages (docs/api-doc-differences.md). */

const unit = (key: string, label: string, description: string, defaultValue: number, max = 1): InputSpec => ({
	key,
	type: 'number',
	displayName: `${label} (0–${max})`,
	description: `${description} (default ${defaultValue})`,
	min: 0,
	max,
	default: defaultValue,
});

/** An ElevenLabs voice, picked from the voices Unifically lists (GET /v1/resources/elevenlabs/voices) or given by ID. */
const elevenlabsVoice = (description: string, extra: Partial<InputSpec> = {}): InputSpec => ({
	key: 'voice',
	type: 'string',
	description,
	picker: 'elevenlabsVoice',
	placeholder: 'e.g. 21m00Tcm4TlvDq8ikWAM',
	...extra,
});
/** Two turns, with the voice IDs of Unifically's dialogue page example. */
const DIALOGUE_EXAMPLE =
	'[{"text": "[excitedly] We did it!", "voice": "TX3LPaxmHKxFdv7VOQHJ"}, {"text": "[relieved] Finally.", "voice": "cgSgspJ2msm6clMCkdW9"}]';

const dialogueInputs: InputSpec[] = [
	{
		key: 'dialogue',
		type: 'json',
		required: true,
		displayName: 'Dialogue (JSON)',
		// No angle brackets: n8n renders descriptions and hints as HTML and drops a <…> placeholder.
		description:
			'Or the turns as JSON, used when no turn is added above: an array with one object per turn, "text" what is said (bracketed emotion tags such as [excitedly] are allowed), "voice" the ElevenLabs voice ID that says it',
		placeholder: DIALOGUE_EXAMPLE,
		// n8n's JSON editor shows no placeholder: the example goes under it.
		hint: `Example (voice IDs from Unifically's page): ${DIALOGUE_EXAMPLE}`,
		entries: {
			name: 'dialogueTurns',
			displayName: 'Turns',
			entry: 'turn',
			entryDisplayName: 'Turn',
			inputs: [
				text('text', 'One line of speech; bracketed emotion tags such as [excitedly] are allowed', {
					required: true,
					placeholder: '[excitedly] We did it!',
				}),
				elevenlabsVoice('The voice that speaks this line', { required: true }),
			],
		},
	},
	text('language_code', 'Language of the output, e.g. en (default auto: detected)', { placeholder: 'en' }),
	unit('stability', 'Stability', 'Voice stability', 0.5),
];

const soundEffectInputs: InputSpec[] = [
	// Its main text is the API's `text`; in the form it shares the Prompt field, kept on a model switch.
	text('text', 'Describes the sound', {
		required: true,
		field: 'prompt',
		displayName: 'Sound Description',
		placeholder: 'Heavy rain on a tin roof, distant thunder',
	}),
	unit('prompt_influence', 'Prompt Influence', 'How closely the output follows the description', 0.5),
	{
		key: 'duration',
		type: 'number',
		displayName: 'Duration (Seconds, 0.5–30)',
		description: 'Clip length; leave it out for auto',
		min: 0.5,
		max: 30,
		formDefault: 5,
	},
	{ key: 'loop', type: 'boolean', description: 'Whether to produce a seamless loop (default false)' },
];

const speechToTextInputs: InputSpec[] = [
	text('audio_url', 'The audio to transcribe', { required: true, url: true }),
	text('language_code', 'Force a language (ISO 639-1 or 639-3, e.g. en); auto-detected when left out', { placeholder: 'en' }),
	{ key: 'diarize', type: 'boolean', description: 'Whether to label who is speaking (default false)' },
	{ key: 'num_speakers', type: 'integer', displayName: 'Number of Speakers (1–32)', description: 'Maximum number of speakers (auto when left out)', min: 1, max: 32, formDefault: 2 },
	{
		key: 'diarization_threshold',
		type: 'number',
		description: 'Higher gives fewer speakers (default 0.22); used only with Diarize on and no Number of Speakers',
		default: 0.22,
	},
	text('timestamps_granularity', 'Timestamp detail (default word)', {
		options: ['none', 'word', 'character'],
		optionLabels: { none: 'None', word: 'Word', character: 'Character' },
		default: 'word',
	}),
	{ key: 'tag_audio_events', type: 'boolean', description: 'Whether to mark non-speech events such as laughter or music (default true)', default: true },
	unit('temperature', 'Temperature', 'Output randomness', 0, 2),
	{ key: 'seed', type: 'integer', displayName: 'Seed (0–2147483647)', description: 'Makes results repeatable', min: 0, max: 2147483647 },
	{ key: 'keyterms', type: 'stringList', description: 'Terms to boost recognition (at most 100, each under 50 characters)', maxItems: 100 },
];

// ---- the models ----------------------------------------------------------------------------

export const audioModels: ModelSpec[] = [
	{
		id: 'suno-ai/music',
		resource: 'audio',
		name: 'Suno Music Generation',
		label: 'Suno: Music',
		description: 'Suno song generation from a description (simple mode) or lyrics and style tags (custom mode)',
		inputs: sunoMusicInputs,
		documented: true,
	},
	{
		id: 'suno-ai/add-vocals',
		resource: 'audio',
		name: 'Add Vocals to Track',
		label: 'Suno: Add Vocals to Track',
		description: 'Suno: add vocals to an existing clip or audio file',
		inputs: sunoOperationInputs,
		rules: [clipOrAudio],
		documented: true,
	},
	{
		id: 'suno-ai/add-instrumental',
		resource: 'audio',
		name: 'Add Instrumental',
		label: 'Suno: Add Instrumental',
		description: 'Suno: add an instrumental to an existing clip or audio file',
		inputs: sunoOperationInputs,
		rules: [clipOrAudio],
		documented: true,
	},
	{
		id: 'suno-ai/extend',
		resource: 'audio',
		name: 'Extend Audio',
		label: 'Suno: Extend Audio',
		description: 'Suno: continue an existing clip or audio file from a given time',
		inputs: sunoOperationInputs,
		rules: [clipOrAudio],
		documented: true,
	},
	{
		id: 'suno-ai/cover',
		resource: 'audio',
		name: 'Create Cover',
		label: 'Suno: Create Cover',
		description: 'Suno: create a cover version of an existing clip or audio file',
		inputs: sunoOperationInputs,
		rules: [clipOrAudio],
		documented: true,
	},
	{
		id: 'suno-ai/stems',
		resource: 'audio',
		name: 'Extract Stems',
		label: 'Suno: Extract Stems',
		description: 'Suno: split a clip into vocal and instrumental stems',
		inputs: sunoStemsInputs,
		documented: true,
	},
	{
		id: 'suno-ai/stems-all',
		resource: 'audio',
		name: 'Extract All Stems',
		label: 'Suno: Extract All Stems',
		description: 'Suno: split a clip into all its instrument stems',
		inputs: sunoStemsInputs,
		documented: true,
	},
	{
		id: 'suno-ai/lyrics',
		resource: 'audio',
		name: 'Generate Lyrics',
		label: 'Suno: Generate Lyrics',
		description: 'Suno: write song lyrics from a description',
		inputs: [
			text('prompt', 'Description of the lyrics to generate', { required: true }),
			text('mv', 'Lyrics model: remi-v1 or default', {
				required: true,
				options: ['remi-v1', 'default'],
				displayName: 'Model Version',
			}),
		],
		documented: true,
	},
	{
		id: 'suno-ai/wav',
		resource: 'audio',
		name: 'WAV Export',
		label: 'Suno: WAV Export',
		description: 'Suno: export a clip as a WAV file (its input is not documented: Clip ID is a guess)',
		// Guessed from Suno Extract All Stems, whose clip is `clip_id` (docs/api-doc-differences.md).
		inputs: [text('clip_id', 'The Suno clip to export (clip_ids in a Suno Music output)', { guessed: true, displayName: 'Clip ID' })],
		documented: false,
		inputsFrom: 'guessed',
	},
	{
		id: 'higgsfield-ai/speak',
		resource: 'audio',
		name: 'Speak (standard, high quality)',
		label: 'Higgsfield: Speak',
		description: 'Higgsfield Speak: a talking avatar video from a person image and speech audio',
		inputs: [
			text('image_url', 'Person/avatar image URL', { required: true, url: true }),
			text('audio_url', 'Audio file URL. Required if no Audio Task ID is given', { url: true }),
			text('audio_task_id', 'TTS task ID (alternative to Audio URL)'),
			text('prompt', 'Text description for the video', { required: true }),
			text('quality', 'High quality costs more', { options: ['standard', 'high'], optionLabels: { standard: 'Standard', high: 'High' } }),
			{
				key: 'enhance_prompt',
				type: 'boolean',
				description: 'Whether to enhance the prompt (default true)',
				default: true,
			},
			{ key: 'seed', type: 'integer', description: 'Seed for reproducibility' },
		],
		rules: [{ kind: 'atLeastOneOf', keys: ['audio_url', 'audio_task_id'] }],
		documented: true,
	},
	{
		id: 'higgsfield-ai/tts',
		resource: 'audio',
		name: 'Text-to-Speech',
		label: 'Higgsfield: Text-to-Speech',
		description: 'Higgsfield text-to-speech with a chosen voice and optional background sound',
		inputs: [
			text(
				'voice_id',
				'The Higgsfield voice to speak with: pick it from the list Unifically serves, or give its ID',
				{ required: true, displayName: 'Voice ID', picker: 'higgsfieldVoice', placeholder: 'The voice ID' },
			),
			text('prompt', 'Text to convert to speech', { required: true, placeholder: 'Hello, and welcome to the channel!' }),
			text('sound_id', 'Background sound ID'),
			percent('similarity_boost', 'Similarity Boost', 'How closely the voice sticks to the original speaker', 90),
			percent('style', 'Style', 'How much of the speaker\'s style to exaggerate', 60),
			{
				key: 'speed',
				type: 'number',
				displayName: 'Speed (0–1.2)',
				description: 'Speaking speed (default 1.1)',
				min: 0,
				max: 1.2,
				default: 1.1,
			},
			percent('stability', 'Stability', 'Higher is steadier, lower is more expressive', 30),
		],
		documented: true,
	},
	{
		id: 'elevenlabs/text-to-speech',
		resource: 'audio',
		name: 'ElevenLabs Text-to-Speech',
		label: 'ElevenLabs: Text-to-Speech',
		description: 'ElevenLabs text-to-speech (its inputs are not documented: Text and Voice are guesses)',
		// `text` and `voice`, as each dialogue turn's (docs/api-doc-differences.md). Text shares the Prompt field, kept on a model switch.
		inputs: [
			text('text', 'The text to speak', { guessed: true, field: 'prompt', displayName: 'Text', placeholder: 'Hello, and welcome to the channel!' }),
			elevenlabsVoice('The ElevenLabs voice that speaks the text, sent as voice', { guessed: true }),
		],
		documented: false,
		inputsFrom: 'guessed',
	},
	{
		id: 'elevenlabs/text-to-dialogue',
		resource: 'audio',
		name: 'ElevenLabs Multi-Voice Dialogue',
		label: 'ElevenLabs: Multi-Voice Dialogue',
		description: 'ElevenLabs multi-voice dialogue (eleven_v3) from speaker turns, each with its voice',
		inputs: dialogueInputs,
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'elevenlabs/sound-effect',
		resource: 'audio',
		name: 'ElevenLabs Sound Effects',
		label: 'ElevenLabs: Sound Effects',
		description: 'ElevenLabs sound effect generation from a description (0.5–30 s, or auto)',
		inputs: soundEffectInputs,
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'elevenlabs/voice-isolation',
		resource: 'audio',
		name: 'ElevenLabs Voice Isolation',
		label: 'ElevenLabs: Voice Isolation',
		description: 'ElevenLabs voice isolation: remove background noise from speech (its input is not documented: Audio URL is a guess)',
		// `audio_url`, as ElevenLabs Speech-to-Text's (docs/api-doc-differences.md).
		inputs: [text('audio_url', 'The recording to clean up', { guessed: true, url: true })],
		documented: false,
		inputsFrom: 'guessed',
	},
	{
		id: 'elevenlabs/speech-to-text',
		resource: 'audio',
		name: 'ElevenLabs Speech-to-Text',
		label: 'ElevenLabs: Speech-to-Text',
		description: 'ElevenLabs speech transcription (Scribe v2), with speakers and timestamps',
		inputs: speechToTextInputs,
		documented: false,
		inputsFrom: 'publicPages',
	},
];
