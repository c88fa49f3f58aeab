// ink imports react-devtools-core only when DEV=true; the bundle aliases it here so it is never shipped.
export default { initialize() {}, connectToDevTools() {} };
