// Thin interop over the global ApexCharts (UMD build from npm, loaded by App.razor).
const charts = new Map();

function formatterFor(format) {
    if (!format) return undefined;
    if (format === 'integer') return v => (v == null ? '' : Math.round(v).toLocaleString());
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

export function create(element, id, options, series, dark, xRange) {
    destroy(id);
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
        delete axis.csFormat;
    }
    if (opts.xaxis && opts.xaxis.labels && opts.xaxis.labels.formatter && opts.tooltip && opts.tooltip.x) {
        opts.tooltip.x.formatter = opts.xaxis.labels.formatter;
    }
    const chart = new ApexCharts(element, textOnly(opts));
    charts.set(id, chart);
    return chart.render();
}

export function updateSeries(id, series, xRange) {
    const chart = charts.get(id);
    if (!chart) return;
    if (xRange) chart.updateOptions({ xaxis: { min: xRange[0], max: xRange[1] } }, false, false);
    chart.updateSeries(series, false);
}

export function setDarkMode(id, dark) {
    const chart = charts.get(id);
    if (chart) chart.updateOptions({ ...palette(dark), chart: { background: 'transparent' } }, false, false);
}

export function destroy(id) {
    const chart = charts.get(id);
    if (chart) {
        chart.destroy();
        charts.delete(id);
    }
}
