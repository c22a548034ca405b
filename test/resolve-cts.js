/**
 * Jest resolver: a `.cts` file imports another as `./name.cjs` (the file tsc emits, so the import
 * also works compiled); in the sources that file is `./name.cts`. Everything else resolves as usual
 * (packages in node_modules have real `.cjs` files of their own).
 */
module.exports = (request, options) => {
	try {
		return options.defaultResolver(request, options);
	} catch (error) {
		if (/^\.{1,2}\/.*\.cjs$/.test(request)) return options.defaultResolver(request.replace(/\.cjs$/, '.cts'), options);
		throw error;
	}
};
