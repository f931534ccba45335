// Thin interop over the global ApexCharts (UMD build from npm, loaded by App.razor).
const charts = new Map();

function formatterFor(format) {
    if (!format) return undefined;
    // Counts: a tick between two whole numbers says nothing (it read "0 1 1 2 2" on an empty campaign).
    if (format === 'integer') return v => (v == null || Math.abs(v - Math.round(v)) > 1e-9 ? '' : Math.round(v).toLocaleString());
    if (format.startsWith('currency:')) {
        const nf = new Intl.NumberFormat(undefined, { style: 'currency', currency: format.substring(9), maximumFractionDigits: 0 });
        return v => (v == null ? '' : nf.format(v));
    }
    // Values already in percent (0–100).
    if (format === 'percent') return v => (v == null ? '' : `${Number(v).toFixed(v < 10 ? 1 : 0)} %`);
    // Days since launch, e.g. T+3.5 d.
    if (format === 'days-since-launch') return v => (v == null ? '' : `T+${Number(v).toFixed(v < 10 && v % 1 !== 0 ? 1 : 0)} d`);
    // Minutes since launch, e.g. T+2 h 05.
    if (format === 'since-launch') return v => {
        if (v == null) return '';
        const m = Math.round(v), sign = m < 0 ? '−' : '+', a = Math.abs(m);
        return a < 60 ? `T${sign}${a} min` : `T${sign}${Math.floor(a / 60)} h ${String(a % 60).padStart(2, '0')}`;
    };
    return undefined;
}

// The least top of a value axis, so an empty or nearly empty chart gets a sensible scale (0–4 carts, €0–€100) instead
// of a few cents or fractions of a count.
function axisFloor(format) {
    if (format === 'integer') return 4;
    if (format && format.startsWith('currency:')) return 100;
    return undefined;
}

// The least of 1, 2, 2.5 and 5 × 10ⁿ at or above v (v > 0).
export function niceCeil(v) {
    if (!(v > 0)) return v;
    const magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (const step of [1, 2, 2.5, 5, 10]) {
        if (v <= step * magnitude * (1 + 1e-9)) return step * magnitude;
    }
    return 10 * magnitude;
}

// Series names and categories come from events, campaign names and users. ApexCharts draws axis labels as SVG
// text (safe), but writes legend entries, tooltip headers and tooltip series names with innerHTML: every one of
// those places gets a formatter that returns escaped text, whatever the caller's options say, so a label is
// always shown as the characters it is and never parsed as markup.
const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, c => entities[c]);
}
const asText = v => (Array.isArray(v) ? v.map(asText).join(' ') : v == null ? '' : escapeHtml(v));

function textOnly(opts) {
    // Options that hand ApexCharts raw HTML are never honoured.
    opts.legend = { ...(opts.legend || {}), formatter: name => asText(name) };
    delete opts.legend.tooltipHoverFormatter;
    const firstY = Array.isArray(opts.yaxis) ? opts.yaxis[0] : opts.yaxis;
    const tooltip = opts.tooltip = { ...(opts.tooltip || {}) };
    delete tooltip.custom;
    const title = { formatter: name => (name == null || name === '' ? '' : `${asText(name)}: `) };
    tooltip.y = Array.isArray(tooltip.y) ? tooltip.y.map(y => ({ ...y, title })) : { ...(tooltip.y || {}), title };
    const x = tooltip.x = { ...(tooltip.x || {}) };
    // The header is the category (bars) or the formatted x value; a datetime or numeric axis without a formatter
    // keeps ApexCharts' own text, which it builds from a number.
    const horizontal = opts.plotOptions && opts.plotOptions.bar && opts.plotOptions.bar.horizontal;
    const axisFormatter = horizontal ? firstY && firstY.labels && firstY.labels.formatter : opts.xaxis && opts.xaxis.labels && opts.xaxis.labels.formatter;
    const inner = x.formatter || axisFormatter;
    const numericAxis = opts.xaxis && (opts.xaxis.type === 'datetime' || opts.xaxis.type === 'numeric');
    if (inner) x.formatter = (v, o) => asText(inner(v, o));
    else if (!numericAxis) x.formatter = v => asText(v);
    if (opts.xaxis && opts.xaxis.tooltip) delete opts.xaxis.tooltip.formatter;
    return opts;
}

function palette(dark) {
    return {
        theme: { mode: dark ? 'dark' : 'light' },
        grid: { borderColor: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)' },
    };
}

function themed(options, dark) {
    const p = palette(dark);
    return {
        ...options,
        theme: { ...(options.theme || {}), ...p.theme },
        grid: { ...(options.grid || {}), ...p.grid },
        chart: { ...(options.chart || {}), background: 'transparent' },
    };
}

export function create(element, id, options, series, dark, xRange, minDrawInterval) {
    destroy(id);
    if (minDrawInterval) intervals.set(id, minDrawInterval);
    const opts = themed(structuredClone(options), dark);
    opts.chart.id = id;
    // The host element's height (set by the component) unless the options say otherwise.
    if (opts.chart.height === undefined) opts.chart.height = element.clientHeight || 300;
    opts.series = series;
    if (xRange) opts.xaxis = { ...(opts.xaxis || {}), min: xRange[0], max: xRange[1] };
    const axes = Array.isArray(opts.yaxis) ? [...opts.yaxis] : (opts.yaxis ? [opts.yaxis] : []);
    if (opts.xaxis) axes.push(opts.xaxis);
    for (const axis of axes) {
        const f = formatterFor(axis.csFormat);
        if (f) axis.labels = { ...(axis.labels || {}), formatter: f };
        const floor = axisFloor(axis.csFormat);
        if (floor !== undefined && axis !== opts.xaxis && axis.max === undefined) {
            // Money tops are rounded up to 1, 2, 2.5 or 5 × 10ⁿ: with a top fixed at the data's own maximum (€155.50),
            // ApexCharts' nice scale shifts the ticks instead (−€45, €6, €56, €106, €156).
            const nice = axis.csFormat.startsWith('currency:') ? niceCeil : v => v;
            axis.max = m => nice(m == null || !Number.isFinite(m) || m < floor ? floor : m);
            // The bottom is zero unless the data dips below it (a minute of refunds), then as round as the top.
            if (axis.min === undefined) axis.min = m => (m == null || !Number.isFinite(m) || m >= 0 ? 0 : -nice(-m));
            if (axis.forceNiceScale === undefined) axis.forceNiceScale = true;
        }
        delete axis.csFormat;
    }
    if (opts.xaxis && opts.xaxis.labels && opts.xaxis.labels.formatter && opts.tooltip && opts.tooltip.x) {
        opts.tooltip.x.formatter = opts.xaxis.labels.formatter;
    }
    const chart = new ApexCharts(element, textOnly(opts));
    charts.set(id, chart);
    if (viewport) viewport.observe(element);
    return chart.render();
}

// A chart redraws its whole SVG on every update: updates are coalesced per chart (the newest wins), each chart is
// drawn at most once per drawInterval (or its own, longer one: sparklines), at most one chart per animation frame (so several charts updated by one push
// never add up to one long task, and nothing is drawn while the tab is hidden), and a chart scrolled out of view is
// drawn when it comes back into view. The first update after a quiet spell is drawn at the next frame; the newest
// series is always the one drawn last.
const drawInterval = 1000;
const intervals = new Map();
const pending = new Map();
const drawnAt = new Map();
const queue = [];
const hidden = new Set();
let frame = 0;
const viewport = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver(entries => {
    for (const entry of entries) {
        const id = entry.target.id;
        if (entry.isIntersecting) {
            hidden.delete(id);
            schedule(id);
        } else {
            hidden.add(id);
        }
    }
}, { rootMargin: '200px' });

export function updateSeries(id, series, xRange) {
    if (!charts.has(id)) return;
    const next = pending.get(id) || { timer: 0, queued: false };
    next.series = series;
    if (xRange) next.xRange = xRange;
    pending.set(id, next);
    schedule(id);
}

function schedule(id) {
    const next = pending.get(id);
    if (!next || next.timer || next.queued || hidden.has(id)) return;
    const interval = intervals.get(id) ?? drawInterval;
    const wait = Math.max(0, (drawnAt.get(id) ?? -interval) + interval - performance.now());
    next.timer = setTimeout(() => {
        next.timer = 0;
        next.queued = true;
        queue.push(id);
        if (!frame) frame = requestAnimationFrame(drawNext);
    }, wait);
}

function drawNext() {
    frame = 0;
    const id = queue.shift();
    if (id !== undefined) draw(id);
    if (queue.length) frame = requestAnimationFrame(drawNext);
}

function draw(id) {
    const next = pending.get(id);
    if (next && hidden.has(id)) {
        // Scrolled out of view while it waited: drawn when it is back.
        next.queued = false;
        return;
    }
    pending.delete(id);
    const chart = charts.get(id);
    if (!chart || !next) return;
    const started = performance.now();
    drawnAt.set(id, started);
    if (next.xRange) {
        // One redraw for the axis and the series together.
        chart.updateOptions({ xaxis: { min: next.xRange[0], max: next.xRange[1] }, series: next.series }, false, false);
    } else {
        chart.updateSeries(next.series, false);
    }
    // Per-chart draw times in a performance trace, when a profiling session asks for them (scripts/bench-browser.sh).
    if (globalThis.csChartTiming) performance.measure(`chart ${id}`, { start: started, end: performance.now() });
}

function cancelPending(id) {
    const next = pending.get(id);
    if (next) {
        clearTimeout(next.timer);
        pending.delete(id);
    }
    const queued = queue.indexOf(id);
    if (queued >= 0) queue.splice(queued, 1);
    drawnAt.delete(id);
    hidden.delete(id);
    intervals.delete(id);
}

export function setDarkMode(id, dark) {
    const chart = charts.get(id);
    if (chart) chart.updateOptions({ ...palette(dark), chart: { background: 'transparent' } }, false, false);
}

export function destroy(id) {
    cancelPending(id);
    const chart = charts.get(id);
    if (chart) {
        if (viewport && chart.el) viewport.unobserve(chart.el);
        chart.destroy();
        charts.delete(id);
    }
}
