// Helpers the components call through JS interop. A file, not an inline script: the Content-Security-Policy runs
// only the app's own script files.
window.crowdstart = { timezoneOffsetMinutes: () => -new Date().getTimezoneOffset() };
// Copies text for the copy buttons; false when the browser refuses (then the text stays selectable on the page).
window.crowdstart.copyText = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch { return false; }
};
