const { task, src, dest, parallel } = require('gulp');

// Copy node and credential icons next to the compiled code, keeping their relative paths
// (nodes/Unifically/unifically.svg -> dist/nodes/Unifically/unifically.svg), as n8n's starter does.
// `encoding: false` keeps binary files (PNG) byte-exact under gulp 5.
function copyNodeIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

task('build:icons', parallel(copyNodeIcons, copyCredentialIcons));
