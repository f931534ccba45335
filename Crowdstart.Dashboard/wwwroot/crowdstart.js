// Helpers the components call through JS interop. A file, not an inline script: the Content-Security-Policy runs
// only the app's own script files.
window.crowdstart = { timezoneOffsetMinutes: () => -new Date().getTimezoneOffset() };
