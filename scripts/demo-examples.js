#!/usr/bin/env node
/**
 * The example workflows (examples/*.json) as scripts/demo.sh imports, publishes and lists them; one
 * place, so what `npm start` prints is always what it imported.
 *
 *   node scripts/demo-examples.js copy DEST PORT [ID...]
 *                                                  write the examples (all, or those with these workflow
 *                                                  ids) into DEST for an n8n on PORT (they are written
 *                                                  for http://localhost:5678)
 *   node scripts/demo-examples.js published [ID...] ids of the workflows to publish (those that start
 *                                                  with a Unifically Trigger), one per line
 *   node scripts/demo-examples.js ids              the workflow ids of all the examples, one per line
 *   node scripts/demo-examples.js missing [ID...]  those not among the given ids (examples added since)
 *   node scripts/demo-examples.js webhooks PORT    their production webhook URLs, one per line
 *   node scripts/demo-examples.js guide            the list printed under "Ready." (name — description)
 */
const fs = require('fs');
const path = require('path');

const EXAMPLES = path.join(__dirname, '..', 'examples');
const TRIGGER = 'n8n-nodes-unifically.unificallyTrigger';
const TRIGGER_PATH = 'callback'; // the trigger's webhook path (nodes/UnificallyTrigger)
const PREFIX = 'Unifically example: ';
/** The one a newcomer opens first; listed first. */
const FIRST = 'generate-video.json';

function examples() {
	const files = fs.readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));
	files.sort((a, b) => (a === FIRST ? -1 : b === FIRST ? 1 : a.localeCompare(b)));
	return files.map((file) => {
		const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
		const workflow = JSON.parse(text);
		const trigger = workflow.nodes.find((node) => node.type === TRIGGER);
		return { file, text, workflow, trigger };
	});
}

/** The examples, only those whose workflow id is in `ids` when any are given. */
function selected(ids) {
	return ids.length === 0 ? examples() : examples().filter(({ workflow }) => ids.includes(workflow.id));
}

const [command, ...args] = process.argv.slice(2);
const bold = process.stdout.isTTY ? '\x1b[1m' : '';
const reset = process.stdout.isTTY ? '\x1b[0m' : '';

switch (command) {
	case 'copy': {
		const [dest, port, ...ids] = args;
		if (!dest || !port) throw new Error('usage: copy DEST PORT [ID...]');
		for (const { file, text } of selected(ids)) {
			fs.writeFileSync(path.join(dest, file), text.split('http://localhost:5678').join(`http://localhost:${port}`));
		}
		break;
	}
	case 'published':
		for (const { workflow, trigger } of selected(args)) if (trigger) console.log(workflow.id);
		break;
	case 'ids':
		for (const { workflow } of examples()) console.log(workflow.id);
		break;
	case 'missing':
		for (const { workflow } of examples()) if (!args.includes(workflow.id)) console.log(workflow.id);
		break;
	case 'webhooks':
		for (const { trigger } of examples()) {
			if (trigger) console.log(`http://localhost:${args[0]}/webhook/${trigger.webhookId}/${TRIGGER_PATH}`);
		}
		break;
	case 'guide': {
		const list = examples();
		console.log(`  Under ${bold}Overview${reset} you find the ${list.length} example workflows imported from examples/.`);
		console.log(`  Open one and click ${bold}Execute workflow${reset}:`);
		list.forEach(({ workflow }, index) => {
			const number = `${index + 1}. `;
			console.log(`    ${number}${bold}${workflow.name.replace(PREFIX, '')}${reset}`);
			// Under the name, however wide the number.
			if (workflow.description) console.log(`    ${' '.repeat(number.length)}${workflow.description}`);
		});
		break;
	}
	default:
		process.stderr.write(`demo-examples.js: unknown command ${command ?? '(none)'} (copy | published | ids | missing | webhooks | guide)\n`);
		process.exit(2);
}
